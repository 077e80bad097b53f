using DirectAuth.Cli.Admin;

namespace DirectAuth.Cli.Authenticator.Passkeys;

/// <summary>
/// Enrolls a webauthn factor (Okta Factors API, PROTOCOL.md section 9) and answers its creation options with a new
/// software passkey: POST the factor, create the credential, POST <c>lifecycle/activate</c>. A factor left pending
/// (options the passkey cannot answer, an activation the server refuses) is deleted again.
/// </summary>
public static class PasskeyRegistrar
{
    public static async Task<PasskeyAccount> RegisterAsync(ManagementClient api, AuthenticatorState state, string user, string name,
        string server, string origin, bool packed, CancellationToken ct)
    {
        var seg = Uri.EscapeDataString(user);
        var profile = (await api.GetAsync($"api/v1/users/{seg}", ct)).Json;
        var userId = profile.Str("id") ?? throw new PasskeyException($"The server did not say the id of user {user}.");
        var login = profile.Str("profile", "login") ?? user;

        var factor = (await api.PostAsync($"api/v1/users/{Uri.EscapeDataString(userId)}/factors",
            new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = name } }, ct)).Json;
        var factorId = factor.Str("id") ?? throw new PasskeyException("The enrollment answer has no factor id.");
        var factorPath = $"api/v1/users/{Uri.EscapeDataString(userId)}/factors/{Uri.EscapeDataString(factorId)}";

        PasskeyRegistration registration;
        string rpId, userHandle;
        try
        {
            if (!factor.TryGetProperty("_embedded", out var embedded) || !embedded.TryGetProperty("activation", out var options))
                throw new PasskeyException("The enrollment answer has no _embedded.activation (creation options).");
            rpId = options.Str("rp", "id") ?? throw new PasskeyException("The creation options have no rp.id.");
            userHandle = options.Str("user", "id") ?? throw new PasskeyException("The creation options have no user.id.");
            var held = state.Passkeys.Where(p => p.RpId == rpId).Select(p => p.CredentialId);
            registration = SoftwarePasskey.Create(options, origin, packed, held);
        }
        catch (PasskeyException)
        {
            await api.DeleteAsync(factorPath, ct);
            throw;
        }

        using var key = registration.Key;
        try
        {
            var active = (await api.PostAsync($"{factorPath}/lifecycle/activate", new
            {
                attestation = WebAuthnEncoding.Base64Url(registration.AttestationObject),
                clientData = WebAuthnEncoding.Base64Url(registration.ClientDataJson),
            }, ct)).Json;
            if (active.Str("status") != "ACTIVE")
                throw new PasskeyException($"The server answered the activation with status {active.Str("status") ?? "(none)"}.");
        }
        catch (Exception ex) when (ex is ApiErrorException or PasskeyException)
        {
            await api.DeleteAsync(factorPath, ct);
            throw;
        }

        return new PasskeyAccount
        {
            Server = server.TrimEnd('/'),
            FactorId = factorId,
            UserId = userId,
            Login = login,
            Name = name,
            RpId = rpId,
            Origin = origin,
            CredentialId = WebAuthnEncoding.Base64Url(registration.CredentialId),
            UserHandle = WebAuthnEncoding.Base64Url(WebAuthnEncoding.FromBase64Url(userHandle)),
            PrivateKey = Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
            Counter = 0,
            Created = DateTimeOffset.UtcNow,
        };
    }
}
