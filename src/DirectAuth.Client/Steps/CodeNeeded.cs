namespace DirectAuth.Client;

/// <summary>
/// The user must type a code: from their authenticator app (<see cref="Factor.Otp"/>), received by text message or
/// phone call (<see cref="Factor.Sms"/>, <see cref="Factor.Voice"/>), or a recovery code. After a wrong code
/// (<see cref="DirectAuthErrorKind.InvalidCode"/>) the same step can take another try while the server allows it.
/// </summary>
public sealed class CodeNeeded : SignInStep
{
    private readonly Func<string, CancellationToken, Task<SignInStep>> _submit;

    internal CodeNeeded(Factor factor, DateTimeOffset? expiresAt, Func<string, CancellationToken, Task<SignInStep>> submit)
    {
        Factor = factor;
        ExpiresAt = expiresAt;
        _submit = submit;
    }

    /// <summary>Where the code comes from.</summary>
    public Factor Factor { get; }

    /// <summary>For a code sent by SMS or voice: when it stops working (by the client's clock).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// For a code sent by SMS or voice: where it went, masked as the server shows it (<c>+1 ••• ••• 0123</c>), to tell
    /// the user which phone to look at. DirectAuth sends it (<c>destination</c> in the challenge answer); Okta does
    /// not, and a DirectAuth server configured with <c>Phone:ShowDestination=false</c> does not: then null.
    /// </summary>
    public string? Destination { get; internal init; }

    /// <summary>Sends the code the user typed (spaces are ignored; recovery codes are sent as typed, trimmed).</summary>
    public Task<SignInStep> SubmitCodeAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        var cleaned = Clean(Factor, code);
        if (cleaned.Length == 0)
            return Task.FromResult<SignInStep>(new SignInFailed(new DirectAuthError(DirectAuthErrorKind.InvalidCode, null, "No code was entered.")));
        return _submit(cleaned, cancellationToken);
    }

    // People type "123 456" as it is shown; recovery codes may contain meaningful separators, so only trim them.
    internal static string Clean(Factor factor, string code) =>
        factor == Factor.RecoveryCode ? code.Trim() : string.Concat(code.Where(c => !char.IsWhiteSpace(c)));
}
