using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.PushProviders;

/// <summary>
/// The APNs provider authentication token: an ES256 JWT (header <c>alg</c>, <c>kid</c>; claims <c>iss</c> = team id,
/// <c>iat</c>) signed with the .p8 key. Apple refuses one older than an hour (<c>ExpiredProviderToken</c>) and
/// throttles a server that makes new ones more often than every 20 minutes (<c>TooManyProviderTokenUpdates</c>),
/// so one is reused for <c>TokenRefreshMinutes</c> and renewed early only when Apple says it expired.
/// </summary>
public sealed class ApnsProviderToken : IDisposable
{
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(20);
    private readonly ApnsSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ECDsa _key = ECDsa.Create();
    private readonly Lock _lock = new();
    private (string Jwt, DateTimeOffset IssuedAt)? _current;

    public ApnsProviderToken(IOptions<PushProviderOptions> options, TimeProvider clock)
    {
        _settings = options.Value.Apns;
        _clock = clock;
        if (_settings.Enabled) _key.ImportFromPem(_settings.KeyPem());
    }

    public string Current()
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (_current is { } c && now - c.IssuedAt < TimeSpan.FromMinutes(_settings.TokenRefreshMinutes) && now >= c.IssuedAt) return c.Jwt;
            _current = (Sign(now), now);
            return _current.Value.Jwt;
        }
    }

    /// <summary>Apple said <c>ExpiredProviderToken</c>: renew, unless this token is younger than 20 minutes (then the clock is off; renewing would be throttled).</summary>
    public bool Expired(string jwt)
    {
        lock (_lock)
        {
            if (_current is not { } c || c.Jwt != jwt || _clock.GetUtcNow() - c.IssuedAt < MinimumAge) return false;
            _current = null;
            return true;
        }
    }

    private string Sign(DateTimeOffset now)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = _settings.KeyId! }, ProviderJson.Default.DictionaryStringString));
        var claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["iss"] = _settings.TeamId!, ["iat"] = now.ToUnixTimeSeconds() }, ProviderJson.Default.DictionaryStringObject));
        var input = header + "." + claims;
        return input + "." + Base64Url(_key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _key.Dispose();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ProviderJson : System.Text.Json.Serialization.JsonSerializerContext;
