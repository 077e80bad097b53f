using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using Fido2NetLib;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// The relying party this server is for one request: its RP id and allowed origins (from <c>Passkeys:*</c>, or
/// the public origin), and a <see cref="Fido2"/> verifier configured with them. DirectAuth checks the
/// <c>clientDataJSON</c> origin against the list itself first (exact match), because the library folds every
/// origin without a host (<c>android:…</c>, <c>ios:…</c>) into a scheme-only form; the library then checks it again.
/// </summary>
public sealed class WebAuthnRelyingParty(IOptions<PasskeyOptions> options, ServerDirectory directory, IHttpContextAccessor http)
{
    private readonly PasskeyOptions _options = options.Value;

    public PasskeyOptions Options => _options;

    private string PublicOrigin => directory.OriginOf(http.HttpContext!.Request);

    public string RpId => string.IsNullOrEmpty(_options.RpId) ? new Uri(PublicOrigin).Host : _options.RpId;

    public IReadOnlyList<string> Origins => _options.Origins.Count > 0 ? _options.Origins : [PublicOrigin.TrimEnd('/')];

    /// <summary>The FIDO AppID sent in <c>extensions.appid</c>: the RP's https origin (Okta's Kotlin SDK reads the RP id from its host).</summary>
    public string AppId => Origins.FirstOrDefault(o => o.StartsWith("http", StringComparison.Ordinal)) ?? "https://" + RpId;

    public int TimeoutMilliseconds => _options.TimeoutSeconds * 1000;

    public IFido2 Verifier() => new Fido2(new Fido2Configuration
    {
        RPID = RpId,
        RPName = _options.RpName,
        Origins = Origins.ToHashSet(StringComparer.Ordinal),
        TimestampDriftTolerance = 300_000,
    });

    /// <summary>Whether <paramref name="clientDataJson"/> names an allowed origin, compared exactly (a trailing slash tolerated).</summary>
    public bool IsAllowedOrigin(ClientData clientData) =>
        clientData.Origin is { } origin && Origins.Contains(origin.TrimEnd('/'), StringComparer.Ordinal);
}

/// <summary>The fields of <c>clientDataJSON</c> DirectAuth reads before the library verifies it: the challenge to find the stored one, and the origin.</summary>
public sealed record ClientData(byte[] Challenge, string? Origin, string? Type)
{
    /// <summary>Parses <paramref name="json"/>; null when it is not a JSON object with a base64url <c>challenge</c>.</summary>
    public static ClientData? Parse(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("challenge", out var c) || c.ValueKind != JsonValueKind.String) return null;
            if (WebAuthnBase64.Decode(c.GetString()) is not { Length: > 0 } challenge) return null;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ClientData(challenge, Text("origin"), Text("type"));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>base64url as WebAuthn uses it (no padding; padding tolerated on input).</summary>
public static class WebAuthnBase64
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>The bytes, or null when <paramref name="text"/> is missing or not base64url.</summary>
    public static byte[]? Decode(string? text)
    {
        if (text is null || text.Length > 65_536) return null;
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
