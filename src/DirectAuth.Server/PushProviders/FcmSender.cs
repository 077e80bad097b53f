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
/// FCM HTTP v1: <c>POST /v1/projects/{project}/messages:send</c> with a notification ("Sign-in request", the app's
/// name), the push's ids as data, Android priority high and a TTL of what is left of the push's life. FCM's
/// answers (the v1 error body's <c>details[].errorCode</c>): 404 <c>UNREGISTERED</c> and 400 <c>INVALID_ARGUMENT</c>
/// (our message is fixed, so the token is what is wrong) forget the token; 401 the credentials; 429 and 5xx retry.
/// </summary>
public sealed class FcmSender(IHttpClientFactory clients, FcmAccessToken tokens, TimeProvider clock, IOptions<PushProviderOptions> options) : IPushProvider
{
    public const string ClientName = "DirectAuth.Push.Fcm";

    public string Platform => PushPlatforms.Fcm;

    public async Task<WakeAttempt> SendAsync(PhoneWake wake, CancellationToken ct)
    {
        var (accessToken, failure) = await tokens.GetAsync(ct);
        if (failure is not null) return failure;
        var ttl = Math.Max(1, (long)Math.Ceiling((wake.ExpiresAt - clock.GetUtcNow()).TotalSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.Value.Fcm.BaseUrl.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(tokens.ProjectId)}/messages:send")
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new StringContent(Payload(wake, ttl), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.TimeoutMilliseconds);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
        var status = (int)response.StatusCode;
        if (status == 200) return new WakeAttempt(WakeOutcome.Accepted, "200");
        var code = ErrorCode(await response.Content.ReadAsStringAsync(timeout.Token));
        if (status == 401) tokens.Forget(accessToken!);
        return (status, code) switch
        {
            (404, "UNREGISTERED") or (400, "INVALID_ARGUMENT") => new WakeAttempt(WakeOutcome.TokenInvalid, code),
            (401, _) or (403, "SENDER_ID_MISMATCH" or "PERMISSION_DENIED") => new WakeAttempt(WakeOutcome.CredentialsRejected, code ?? $"HTTP {status}"),
            _ when ProviderAnswers.Retryable(status) => new WakeAttempt(WakeOutcome.Retry, code ?? $"HTTP {status}", ProviderAnswers.RetryAfter(response, clock.GetUtcNow())),
            _ => new WakeAttempt(WakeOutcome.Rejected, code ?? $"HTTP {status}"),
        };
    }

    public static string Payload(PhoneWake wake, long ttlSeconds)
    {
        var data = new JsonObject();
        if (wake.TransactionId is not null) data[PushWakeKeys.TransactionId] = wake.TransactionId;
        data[PushWakeKeys.FactorId] = wake.FactorId;
        var android = new JsonObject { ["priority"] = "high", ["ttl"] = ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s" };
        if (wake.TransactionId is not null) android["collapse_key"] = wake.TransactionId;
        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["token"] = wake.Token,
                ["notification"] = new JsonObject { ["title"] = wake.Title, ["body"] = wake.Body },
                ["data"] = data,
                ["android"] = android,
            },
        }.ToJsonString();
    }

    /// <summary>The FcmError <c>errorCode</c> of a v1 error body, else its <c>status</c> (e.g. UNAVAILABLE).</summary>
    private static string? ErrorCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return null;
            string? code = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                foreach (var d in details.EnumerateArray())
                    if (d.ValueKind == JsonValueKind.Object && d.TryGetProperty("errorCode", out var c) && c.ValueKind == JsonValueKind.String) code = c.GetString();
            code ??= error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return code is { Length: <= 64 } && code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? code : null;
        }
        catch (JsonException) { return null; }
    }
}
