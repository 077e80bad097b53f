using DirectAuth.Client.Internal;

namespace DirectAuth.Client;

/// <summary>
/// The server sent a passkey challenge (WebAuthn <c>PublicKeyCredentialRequestOptions</c>). Hand the options to the
/// platform's passkey API — <see cref="RequestOptionsJson"/> as it is, or the parsed values below — and pass what it
/// returns to <see cref="SubmitAssertionAsync"/>. The challenge works once and lives <see cref="Timeout"/>.
/// </summary>
public sealed class PasskeyNeeded : SignInStep
{
    private readonly Func<PasskeyAssertion, CancellationToken, Task<SignInStep>> _submit;

    internal PasskeyNeeded(PasskeyRequest request, bool isSecondFactor, Func<PasskeyAssertion, CancellationToken, Task<SignInStep>> submit)
    {
        Challenge = request.Challenge;
        RpId = request.RpId;
        Timeout = request.Timeout;
        ExpiresAt = request.ExpiresAt;
        UserVerification = request.UserVerification;
        AllowCredentials = request.AllowCredentials;
        Enrollments = request.Enrollments;
        RequestOptionsJson = request.RequestOptionsJson;
        ChallengeJson = request.ChallengeJson;
        IsSecondFactor = isSecondFactor;
        _submit = submit;
    }

    /// <summary>The challenge, base64url as the server sent it.</summary>
    public string Challenge { get; }

    /// <summary>The relying party id (a domain): the passkey must belong to it.</summary>
    public string RpId { get; }

    /// <summary>How long the challenge lives (the options' <c>timeout</c>).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>When the challenge stops working (by the client's clock).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary><c>required</c>, <c>preferred</c> or <c>discouraged</c>.</summary>
    public string UserVerification { get; }

    /// <summary>The credential ids (base64url) that may answer; empty for a discoverable-credential sign-in (no username given).</summary>
    public IReadOnlyList<string> AllowCredentials { get; }

    /// <summary>The user's passkeys as the server lists them (name and AAGUID), for a picker; empty without a username.</summary>
    public IReadOnlyList<PasskeyEnrollment> Enrollments { get; }

    /// <summary>The <c>publicKey</c> object exactly as received, for apps that pass the JSON to their OS API (Android's Credential Manager takes it as is).</summary>
    public string RequestOptionsJson { get; }

    /// <summary>The whole challenge answer as received (<c>challengeType</c>, <c>publicKey</c>, <c>authenticatorEnrollments</c>).</summary>
    public string ChallengeJson { get; }

    /// <summary>True after the password (<c>mfa-webauthn</c> grant); false for a passkey as the only factor (<c>webauthn</c> grant).</summary>
    public bool IsSecondFactor { get; }

    /// <summary>
    /// Sends the platform's assertion to <c>/token</c>. Returns <see cref="SignInSuccess"/>, <see cref="MfaRequired"/>
    /// (a passkey as the first factor under a policy that wants more), or <see cref="SignInFailed"/>:
    /// <see cref="DirectAuthErrorKind.InvalidCredentials"/> when the server refused the assertion,
    /// <see cref="DirectAuthErrorKind.Expired"/> when the challenge was unknown, used or expired (start again).
    /// </summary>
    public Task<SignInStep> SubmitAssertionAsync(PasskeyAssertion assertion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return _submit(assertion, cancellationToken);
    }
}

/// <summary>One of the user's passkeys, as listed with a challenge.</summary>
/// <param name="CredentialId">The credential id (base64url).</param>
/// <param name="DisplayName">The name given at enrollment.</param>
/// <param name="Aaguid">The authenticator model's AAGUID, as the server reports it.</param>
public sealed record PasskeyEnrollment(string CredentialId, string DisplayName, string? Aaguid);

/// <summary>
/// What the platform's passkey API returned (<c>AuthenticatorAssertionResponse</c>). Binary values are taken as
/// bytes; <see cref="FromBase64Url"/> takes them as the base64url strings most OS APIs and JSON forms give.
/// </summary>
/// <param name="CredentialId">The credential's raw id (for the app's records; <c>/token</c> finds the credential from the challenge).</param>
/// <param name="ClientDataJson">clientDataJSON.</param>
/// <param name="AuthenticatorData">authenticatorData.</param>
/// <param name="Signature">signature.</param>
/// <param name="UserHandle">userHandle (the server's user id for the passkey; required for a discoverable sign-in), or null.</param>
public sealed record PasskeyAssertion(byte[] CredentialId, byte[] ClientDataJson, byte[] AuthenticatorData, byte[] Signature, byte[]? UserHandle)
{
    /// <summary>An assertion from base64url (or base64) strings; throws <see cref="FormatException"/> for text that is neither.</summary>
    public static PasskeyAssertion FromBase64Url(string credentialId, string clientDataJson, string authenticatorData, string signature, string? userHandle) =>
        new(Decode(credentialId), Decode(clientDataJson), Decode(authenticatorData), Decode(signature),
            string.IsNullOrEmpty(userHandle) ? null : Decode(userHandle));

    internal static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
