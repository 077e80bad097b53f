using System.Security.Cryptography;
using System.Text.Json;

namespace DirectAuth.Cli.Authenticator.Passkeys;

/// <summary>The request the options could not be answered with (no ES256, wrong RP, no matching passkey, ...).</summary>
public sealed class PasskeyException(string message) : Exception(message);

/// <summary>What registration produced: the activation fields for the server and the account to keep.</summary>
public sealed record PasskeyRegistration(byte[] AttestationObject, byte[] ClientDataJson, byte[] CredentialId, ECDsa Key);

/// <summary>An assertion, as <c>/token</c> takes it (all base64url), plus the credential id the platform reports.</summary>
public sealed record SignedAssertion(string CredentialId, string ClientDataJson, string AuthenticatorData, string Signature, string UserHandle);

/// <summary>
/// DirectAuth's software passkey (docs/authenticator.md): a P-256 key per credential, ES256, AAGUID
/// 08fc0c68-688e-455e-b7f0-4006f0e2b28c, attestation "none" or "packed" self-attestation. It sets UP and UV
/// (the terminal is the user's own; it asks nothing), never BE/BS, and counts every assertion.
/// </summary>
public static class SoftwarePasskey
{
    public static readonly Guid Aaguid = new("08fc0c68-688e-455e-b7f0-4006f0e2b28c");

    /// <summary>Answers <c>PublicKeyCredentialCreationOptions</c> (JSON, binary values base64url) as navigator.credentials.create would.</summary>
    public static PasskeyRegistration Create(JsonElement options, string origin, bool packed, IEnumerable<string> heldCredentialIds)
    {
        var rpId = Text(options, "rp", "id") ?? throw new PasskeyException("The creation options have no rp.id.");
        var challenge = Challenge(options);
        if (Text(options, "user", "id") is not { Length: > 0 }) throw new PasskeyException("The creation options have no user.id.");
        if (options.TryGetProperty("pubKeyCredParams", out var algs) && algs.ValueKind == JsonValueKind.Array && algs.GetArrayLength() > 0
            && !algs.EnumerateArray().Any(a => a.TryGetProperty("alg", out var alg) && alg.TryGetInt32(out var n) && n == WebAuthnEncoding.Es256))
            throw new PasskeyException("The server does not accept ES256 (-7), the only algorithm this authenticator has.");
        var held = heldCredentialIds.ToHashSet(StringComparer.Ordinal);
        if (Descriptors(options, "excludeCredentials").Any(held.Contains))
            throw new PasskeyException("This authenticator already holds a passkey for this user on this server (excludeCredentials).");

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentialId = RandomNumberGenerator.GetBytes(32);
        var attested = WebAuthnEncoding.AttestedCredentialData(Aaguid, credentialId,
            WebAuthnEncoding.CosePublicKey(key.ExportParameters(includePrivateParameters: false)));
        var authData = WebAuthnEncoding.AuthenticatorData(rpId, WebAuthnEncoding.FlagUp | WebAuthnEncoding.FlagUv | WebAuthnEncoding.FlagAt, 0, attested);
        var clientData = ClientData("webauthn.create", challenge, origin);
        var signature = packed ? WebAuthnEncoding.Sign(key, authData, clientData) : null;
        return new PasskeyRegistration(WebAuthnEncoding.AttestationObject(authData, signature), clientData, credentialId, key);
    }

    /// <summary>
    /// The passkey that answers <c>PublicKeyCredentialRequestOptions</c>: one listed in <c>allowCredentials</c>, or
    /// (empty list: a discoverable-credential sign-in) the one for the RP id, narrowed by <paramref name="login"/>.
    /// </summary>
    public static PasskeyAccount Choose(IReadOnlyList<PasskeyAccount> passkeys, JsonElement options, string? login)
    {
        var rpId = Text(options, "rpId") ?? throw new PasskeyException("The request options have no rpId.");
        var allowed = Descriptors(options, "allowCredentials").ToHashSet(StringComparer.Ordinal);
        var candidates = passkeys.Where(p => p.RpId == rpId && (allowed.Count == 0 || allowed.Contains(p.CredentialId))
            && (login is null || string.Equals(p.Login, login, StringComparison.OrdinalIgnoreCase))).ToList();
        return candidates.Count switch
        {
            0 => throw new PasskeyException(passkeys.Count == 0
                ? "There is no passkey in the authenticator's state file. Register one with: directauth authenticator passkey register --user LOGIN"
                : $"None of the passkeys in the authenticator's state file answers this challenge (RP id {rpId}"
                  + (allowed.Count > 0 ? ", allowed credentials " + string.Join(", ", allowed) : "") + (login is null ? "" : $", user {login}") + ")."),
            1 => candidates[0],
            _ => allowed.Count > 0 || login is not null ? candidates[0] : throw new PasskeyException(
                $"Several passkeys answer RP id {rpId} ({string.Join(", ", candidates.Select(c => c.Login).Distinct())}): name the user."),
        };
    }

    /// <summary>Signs the challenge with <paramref name="account"/>'s key (counter + 1; the caller saves the state).</summary>
    public static SignedAssertion Sign(PasskeyAccount account, JsonElement options, string? origin)
    {
        var challenge = Challenge(options);
        var rpId = Text(options, "rpId") ?? account.RpId;
        if (rpId != account.RpId) throw new PasskeyException($"The challenge is for RP id {rpId}; this passkey belongs to {account.RpId}.");
        account.Counter = checked(account.Counter + 1);
        var authData = WebAuthnEncoding.AuthenticatorData(rpId, WebAuthnEncoding.FlagUp | WebAuthnEncoding.FlagUv, account.Counter);
        var clientData = ClientData("webauthn.get", challenge, origin ?? account.Origin);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(account.PrivateKey), out _);
        var signature = WebAuthnEncoding.Sign(key, authData, clientData);
        return new SignedAssertion(account.CredentialId, WebAuthnEncoding.Base64Url(clientData), WebAuthnEncoding.Base64Url(authData),
            WebAuthnEncoding.Base64Url(signature), account.UserHandle);
    }

    /// <summary>Accepts a whole challenge answer (<c>{"challengeType", "publicKey": {...}}</c>) or the bare <c>publicKey</c> options.</summary>
    public static JsonElement RequestOptions(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("publicKey", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : json;

    /// <summary>The origin of a server URL (scheme://host[:port]), as a browser on that site would report it.</summary>
    public static string OriginOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : throw new PasskeyException($"'{url}' is not a URL.");

    // The collected client data, members in the order browsers write them (Level 3 §5.8.1.1).
    private static byte[] ClientData(string type, string challenge, string origin)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("challenge", challenge);
            writer.WriteString("origin", origin);
            writer.WriteBoolean("crossOrigin", false);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // The challenge as the client data carries it: base64url without padding of the bytes the server sent.
    private static string Challenge(JsonElement options)
    {
        var text = Text(options, "challenge") ?? throw new PasskeyException("The options have no challenge.");
        try { return WebAuthnEncoding.Base64Url(WebAuthnEncoding.FromBase64Url(text)); }
        catch (FormatException) { throw new PasskeyException("The challenge is not base64url."); }
    }

    private static IEnumerable<string> Descriptors(JsonElement options, string name) =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Object && d.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    ? Normalized(id.GetString()!) : null)
                .Where(id => id is not null).Select(id => id!)
            : [];

    // Credential ids compare as bytes: the same id with or without base64url padding is the same credential.
    private static string? Normalized(string id)
    {
        try { return WebAuthnEncoding.Base64Url(WebAuthnEncoding.FromBase64Url(id)); }
        catch (FormatException) { return null; }
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
