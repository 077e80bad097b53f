using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.PushProviders;

/// <summary>
/// OAuth 2 access tokens for FCM from the service account (RFC 7523 JWT bearer grant, as Google's "Using OAuth 2.0
/// for Server to Server Applications"): an RS256 assertion (<c>iss</c> = client_email, <c>scope</c> firebase.messaging,
/// <c>aud</c> = token_uri, <c>iat</c>, <c>exp</c> one hour later) posted to <c>token_uri</c>. The token is cached
/// until five minutes before it expires; one request at a time refreshes it.
/// </summary>
public sealed class FcmAccessToken : IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    private readonly FcmServiceAccount? _account;
    private readonly RSA _key = RSA.Create();
    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _clock;
    private readonly IOptions<PushProviderOptions> _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public FcmAccessToken(IHttpClientFactory clients, TimeProvider clock, IOptions<PushProviderOptions> options)
    {
        (_clients, _clock, _options) = (clients, clock, options);
        if (!options.Value.Fcm.Enabled) return;
        _account = FcmServiceAccount.Load(options.Value.Fcm).Account;
        _key.ImportFromPem(_account!.PrivateKeyPem);
    }

    public string ProjectId => _account!.ProjectId;

    /// <summary>The result of asking for a token: the token, or why there is none (<see cref="WakeAttempt"/> to return).</summary>
    public async Task<(string? Token, WakeAttempt? Failure)> GetAsync(CancellationToken ct)
    {
        if (_current is { } c && _clock.GetUtcNow() < c.RenewAt) return (c.Token, null);
        await _refresh.WaitAsync(ct);
        try
        {
            if (_current is { } again && _clock.GetUtcNow() < again.RenewAt) return (again.Token, null);
            var now = _clock.GetUtcNow();
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = Assertion(now),
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Value.TimeoutMilliseconds);
            using var response = await _clients.CreateClient(FcmSender.ClientName).PostAsync(_account!.TokenUri, form, timeout.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (status is 400 or 401 or 403)
                return (null, new WakeAttempt(WakeOutcome.CredentialsRejected, "token endpoint: " + (OAuthError(body) ?? $"HTTP {status}")));
            if (status != 200) return (null, new WakeAttempt(ProviderAnswers.Retryable(status) ? WakeOutcome.Retry : WakeOutcome.Rejected, $"token endpoint: HTTP {status}", ProviderAnswers.RetryAfter(response, now)));
            using var json = JsonDocument.Parse(body);
            var token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 3600;
            _current = (token, now + TimeSpan.FromSeconds(Math.Max(lifetime - 300, lifetime / 2)));
            return (token, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, new WakeAttempt(WakeOutcome.Retry, "token endpoint: unreadable answer"));
        }
        finally { _refresh.Release(); }
    }

    /// <summary>FCM said 401: the cached token is no good (revoked); the next attempt asks for a new one.</summary>
    public void Forget(string token)
    {
        if (_current is { } c && c.Token == token) _current = null;
    }

    private string Assertion(DateTimeOffset now)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (_account!.PrivateKeyId is { Length: > 0 } kid) header["kid"] = kid;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = _account.ClientEmail, ["scope"] = Scope, ["aud"] = _account.TokenUri,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        var input = ApnsProviderToken.Base64Url(JsonSerializer.SerializeToUtf8Bytes(header, ProviderJson.Default.DictionaryStringString)) + "."
            + ApnsProviderToken.Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, ProviderJson.Default.DictionaryStringObject));
        return input + "." + ApnsProviderToken.Base64Url(_key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static string? OAuthError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? code : null;
        }
        catch (JsonException) { return null; }
    }

    public void Dispose()
    {
        _key.Dispose();
        _refresh.Dispose();
    }
}
