using System.Text.Json;
using Microsoft.Playwright;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// Chromium's own WebAuthn virtual authenticator on one page, through the DevTools protocol's
/// <c>WebAuthn</c> domain: CTAP2, internal transport (a platform authenticator), resident keys, user
/// verification that succeeds until <see cref="SetUserVerifiedAsync"/> says otherwise, presence simulated.
/// Chromium makes the keys, the attestation and the signatures; the tests only read its state.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;

    public string Id { get; }

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        Id = id;
    }

    public static async Task<VirtualAuthenticator> AddAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(cdp, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>Whether the next ceremonies pass user verification (the user's fingerprint matches, or not).</summary>
    public Task SetUserVerifiedAsync(bool verified) =>
        _cdp.SendAsync("WebAuthn.setUserVerified", new() { ["authenticatorId"] = Id, ["isUserVerified"] = verified });

    /// <summary>The credentials the authenticator holds, ids as base64url.</summary>
    public async Task<IReadOnlyList<VirtualCredential>> CredentialsAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = Id });
        return [.. result!.Value.GetProperty("credentials").EnumerateArray().Select(VirtualCredential.From)];
    }

    public async Task<VirtualCredential> CredentialAsync(string credentialId) =>
        (await CredentialsAsync()).Single(c => c.CredentialId == credentialId);

    /// <summary>Forgets a credential (the server still has it): the passkey lives on some other device now.</summary>
    public Task RemoveCredentialAsync(string credentialId) =>
        _cdp.SendAsync("WebAuthn.removeCredential", new() { ["authenticatorId"] = Id, ["credentialId"] = Base64Url.ToBase64(credentialId) });

    /// <summary>
    /// Puts the credential's signature counter at <paramref name="signCount"/> (the next assertion carries
    /// one more): a copy of the key restored from an older backup, as a cloned authenticator would be.
    /// </summary>
    public async Task SetSignCountAsync(string credentialId, long signCount)
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredential",
            new() { ["authenticatorId"] = Id, ["credentialId"] = Base64Url.ToBase64(credentialId) });
        var credential = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(result!.Value.GetProperty("credential").GetRawText())!;
        await _cdp.SendAsync("WebAuthn.removeCredential", new() { ["authenticatorId"] = Id, ["credentialId"] = Base64Url.ToBase64(credentialId) });
        var copy = credential.ToDictionary(p => p.Key, p => (object)p.Value);
        copy["signCount"] = signCount;
        await _cdp.SendAsync("WebAuthn.addCredential", new() { ["authenticatorId"] = Id, ["credential"] = copy });
    }
}

/// <summary>One credential as the virtual authenticator keeps it (CDP <c>WebAuthn.Credential</c>).</summary>
public sealed record VirtualCredential(string CredentialId, bool IsResident, string? RpId, string? UserHandle, long SignCount)
{
    public static VirtualCredential From(JsonElement c) => new(
        Base64Url.FromBase64(c.GetProperty("credentialId").GetString()!),
        c.GetProperty("isResidentCredential").GetBoolean(),
        c.TryGetProperty("rpId", out var rp) ? rp.GetString() : null,
        c.TryGetProperty("userHandle", out var uh) ? Base64Url.FromBase64(uh.GetString()!) : null,
        c.GetProperty("signCount").GetInt64());
}

/// <summary>base64url (no padding), the WebAuthn wire form, and the DevTools protocol's plain base64.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    public static string FromBase64(string base64) => Encode(Convert.FromBase64String(base64));

    public static string ToBase64(string base64Url) => Convert.ToBase64String(Decode(base64Url));
}
