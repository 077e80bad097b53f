using System.Globalization;
using System.Text.Json;

namespace DirectAuth.Client.Internal;

/// <summary>
/// A passkey challenge answer (PROTOCOL.md section 9: <c>challengeType</c>, <c>publicKey</c>,
/// <c>authenticatorEnrollments</c>), read leniently: missing optional members get WebAuthn's defaults, and the RP id
/// falls back to the host of <c>extensions.appid</c> as Okta's Kotlin SDK does.
/// </summary>
internal sealed record PasskeyRequest(string ChallengeType, string Challenge, string RpId, TimeSpan Timeout, DateTimeOffset ExpiresAt,
    string UserVerification, IReadOnlyList<string> AllowCredentials, IReadOnlyList<PasskeyEnrollment> Enrollments,
    string RequestOptionsJson, string ChallengeJson)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The request, or null with the reason when the answer is not a usable passkey challenge.</summary>
    public static (PasskeyRequest? Request, string? Problem) Read(WireResponse response, DateTimeOffset now)
    {
        if (response.Element("publicKey") is not { ValueKind: JsonValueKind.Object } options)
            return (null, "The passkey challenge has no publicKey options.");
        var challenge = Text(options, "challenge");
        if (string.IsNullOrEmpty(challenge)) return (null, "The passkey challenge has no challenge.");
        var rpId = Text(options, "rpId");
        if (string.IsNullOrEmpty(rpId)
            && options.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object
            && Text(extensions, "appid") is { } appId && Uri.TryCreate(appId, UriKind.Absolute, out var appUri))
            rpId = appUri.Host;
        if (string.IsNullOrEmpty(rpId)) return (null, "The passkey challenge names no rpId.");
        var timeout = options.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetDouble(out var ms) && ms is > 0 and < 1e10
            ? TimeSpan.FromMilliseconds(ms)
            : t.ValueKind == JsonValueKind.String && double.TryParse(t.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var sms) && sms is > 0 and < 1e10
                ? TimeSpan.FromMilliseconds(sms) : DefaultTimeout;
        var allow = options.TryGetProperty("allowCredentials", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => Text(d, "id")).Where(id => !string.IsNullOrEmpty(id)).Select(id => id!).ToList()
            : [];
        var enrollments = response.Element("authenticatorEnrollments") is { ValueKind: JsonValueKind.Array } enrolled
            ? enrolled.EnumerateArray().Where(e => !string.IsNullOrEmpty(Text(e, "credentialId")))
                .Select(e => new PasskeyEnrollment(Text(e, "credentialId")!, Text(e, "displayName") ?? "",
                    e.TryGetProperty("profile", out var p) ? Text(p, "aaguid") : null)).ToList()
            : [];
        return (new PasskeyRequest(response.String("challengeType") ?? "", challenge, rpId, timeout, now + timeout,
            Text(options, "userVerification") ?? "preferred", allow, enrollments, options.GetRawText(), response.Text), null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}
