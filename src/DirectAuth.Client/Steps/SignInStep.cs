namespace DirectAuth.Client;

/// <summary>
/// Where a sign-in stands. Every sign-in method returns one; the app looks at which it is and continues:
/// <list type="bullet">
/// <item><see cref="SignInSuccess"/>: done, with validated tokens.</item>
/// <item><see cref="MfaRequired"/>: the policy wants a second factor; let the user choose one of <see cref="MfaRequired.Factors"/>.</item>
/// <item><see cref="Waiting"/>: a push is out; show <see cref="Waiting.BindingCode"/> if there is one and call <see cref="Waiting.WaitAsync"/>.</item>
/// <item><see cref="CodeNeeded"/>: ask the user for a code (OTP, SMS, voice, recovery code) and call <see cref="CodeNeeded.SubmitCodeAsync"/>.</item>
/// <item><see cref="PasskeyNeeded"/>: call the platform's passkey API with the request options and call <see cref="PasskeyNeeded.SubmitAssertionAsync"/>.</item>
/// <item><see cref="SignInFailed"/>: stopped; <see cref="SignInFailed.Error"/> says why.</item>
/// </list>
/// </summary>
public abstract class SignInStep
{
    private protected SignInStep() { }
}

/// <summary>The user is signed in.</summary>
public sealed class SignInSuccess : SignInStep
{
    internal SignInSuccess(TokenSet tokens) => Tokens = tokens;

    /// <summary>The tokens; the id_token has been validated.</summary>
    public TokenSet Tokens { get; }
}

/// <summary>The sign-in stopped. Some failures leave the previous step usable (a wrong code can be typed again).</summary>
public sealed class SignInFailed : SignInStep
{
    internal SignInFailed(DirectAuthError error) => Error = error;

    /// <summary>Why.</summary>
    public DirectAuthError Error { get; }

    /// <summary>Shortcut for <see cref="DirectAuthError.Kind"/>.</summary>
    public DirectAuthErrorKind Kind => Error.Kind;
}
