using DirectAuth.Client;

namespace ConsoleSignIn;

/// <summary>
/// Passkeys, alone or after the password. The platform's passkey API (Windows Hello's WebAuthn API, Android's
/// Credential Manager, Apple's AuthenticationServices, a FIDO2 library for security keys) is the app's: it is
/// passed in here as <c>getAssertion</c>.
/// </summary>
public static class PasskeyExamples
{
    // <snippet:passkey-primary>
    public static async Task<TokenSet?> SignInWithPasskeyAsync(DirectAuthClient client, string? username,
        Func<PasskeyNeeded, CancellationToken, Task<PasskeyAssertion>> getAssertion, CancellationToken ct)
    {
        // Without a username the challenge allows any passkey of the relying party: the platform lets the user pick one.
        var step = await client.SignInWithPasskeyAsync(username, ct);
        if (step is PasskeyNeeded passkey)
        {
            // passkey.RequestOptionsJson is the PublicKeyCredentialRequestOptions JSON (challenge, rpId, allowCredentials, ...);
            // the parsed values are there too: passkey.Challenge, passkey.RpId, passkey.AllowCredentials, passkey.Timeout.
            var assertion = await getAssertion(passkey, ct);
            step = await passkey.SubmitAssertionAsync(assertion, ct);
        }
        return await CompleteSignIn.FollowAsync(step, ct);
    }
    // </snippet:passkey-primary>

    // <snippet:mfa-passkey>
    public static async Task<TokenSet?> PasswordThenPasskeyAsync(DirectAuthClient client, string username, string password,
        Func<PasskeyNeeded, CancellationToken, Task<PasskeyAssertion>> getAssertion, CancellationToken ct)
    {
        // The client must be created with Factor.Passkey in DirectAuthClientOptions.SecondFactors.
        var step = await client.SignInWithPasswordAsync(username, password, ct);
        if (step is MfaRequired mfa && mfa.Factors.Contains(Factor.Passkey))
            step = await mfa.ChooseAsync(Factor.Passkey, ct);
        if (step is PasskeyNeeded passkey)
            step = await passkey.SubmitAssertionAsync(await getAssertion(passkey, ct), ct);
        return step is SignInSuccess success ? success.Tokens : null;
    }
    // </snippet:mfa-passkey>
}
