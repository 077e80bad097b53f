using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DirectAuth.Protocol;
using DirectAuth.Server.OutOfBand.Push;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.PushProviders;

/// <summary>
/// APNs over HTTP/2 (Apple: "Sending notification requests to APNs"): <c>POST /3/device/{token}</c> with the
/// provider token as bearer, an alert ("Sign-in request", the app's name) and the push's ids, expiring with the
/// push. Apple's answers: 200 taken; 400 <c>BadDeviceToken</c> and 410 <c>Unregistered</c> the token is dead;
/// 403 <c>InvalidProviderToken</c> the key is wrong; 429 and 5xx try again.
/// </summary>
public sealed class ApnsSender(IHttpClientFactory clients, ApnsProviderToken tokens, TimeProvider clock, IOptions<PushProviderOptions> options) : IPushProvider
{
    public const string ClientName = "DirectAuth.Push.Apns";

    public string Platform => PushPlatforms.Apns;

    public async Task<WakeAttempt> SendAsync(PhoneWake wake, CancellationToken ct)
    {
        var settings = options.Value.Apns;
        var jwt = tokens.Current();
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.BaseUrl.TrimEnd('/') + "/3/device/" + Uri.EscapeDataString(wake.Token))
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(Payload(wake), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", jwt);
        request.Headers.TryAddWithoutValidation("apns-push-type", "alert");
        request.Headers.TryAddWithoutValidation("apns-priority", settings.Priority.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("apns-expiration", wake.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("apns-topic", settings.Topic);
        // A retry of the same push replaces, not adds to, what the lock screen shows.
        if (wake.TransactionId is not null) request.Headers.TryAddWithoutValidation("apns-collapse-id", wake.TransactionId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.TimeoutMilliseconds);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
        var status = (int)response.StatusCode;
        if (status == 200) return new WakeAttempt(WakeOutcome.Accepted, "200");
        var reason = Reason(await response.Content.ReadAsStringAsync(timeout.Token));
        return (status, reason) switch
        {
            (410, _) or (400, "BadDeviceToken") => new WakeAttempt(WakeOutcome.TokenInvalid, reason ?? "Unregistered"),
            (403, "ExpiredProviderToken") when tokens.Expired(jwt) => new WakeAttempt(WakeOutcome.Retry, reason, TimeSpan.Zero),
            (403, "InvalidProviderToken" or "ExpiredProviderToken" or "MissingProviderToken" or "BadCertificate" or "BadCertificateEnvironment") => new WakeAttempt(WakeOutcome.CredentialsRejected, reason),
            _ when ProviderAnswers.Retryable(status) => new WakeAttempt(WakeOutcome.Retry, reason ?? $"HTTP {status}", ProviderAnswers.RetryAfter(response, clock.GetUtcNow())),
            _ => new WakeAttempt(WakeOutcome.Rejected, reason ?? $"HTTP {status}"),
        };
    }

    /// <summary>What the lock screen shows and the ids the app fetches with; no login, address or number.</summary>
    public static string Payload(PhoneWake wake)
    {
        var payload = new JsonObject
        {
            ["aps"] = new JsonObject
            {
                ["alert"] = new JsonObject { ["title"] = wake.Title, ["body"] = wake.Body },
                ["sound"] = "default",
                ["category"] = wake.TransactionId is null ? "DIRECTAUTH_NOTICE" : "DIRECTAUTH_SIGN_IN",
            },
        };
        if (wake.TransactionId is not null) payload[PushWakeKeys.TransactionId] = wake.TransactionId;
        payload[PushWakeKeys.FactorId] = wake.FactorId;
        return payload.ToJsonString();
    }

    /// <summary>Apple's <c>{"reason": "..."}</c>, kept only when it is a plain word (it goes to the log and the metrics).</summary>
    private static string? Reason(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
                && r.GetString() is { Length: > 0 and <= 64 } word && word.All(char.IsAsciiLetterOrDigit) ? word : null;
        }
        catch (JsonException) { return null; }
    }
}
