using DirectAuth.Client.Internal;

namespace DirectAuth.Client;

/// <summary>
/// The first factor was right, but the app's policy wants another one (HTTP 403 <c>mfa_required</c>).
/// Offer the user <see cref="Factors"/> and continue with <see cref="ChooseAsync"/>. The server does not say which
/// factors the user has enrolled (neither does Okta): choosing one the user lacks ends in
/// <see cref="DirectAuthErrorKind.FactorUnavailable"/>, and this step can then be used again with another factor.
/// </summary>
public sealed class MfaRequired : SignInStep
{
    private readonly FlowEngine _engine;
    private readonly ServerMetadata _metadata;
    private readonly string _mfaToken;

    internal MfaRequired(FlowEngine engine, ServerMetadata metadata, string mfaToken)
    {
        _engine = engine;
        _metadata = metadata;
        _mfaToken = mfaToken;
        Factors = engine.SecondFactors(metadata);
    }

    /// <summary>The second factors both this app (<see cref="DirectAuthClientOptions.SecondFactors"/>) and the server support.</summary>
    public IReadOnlyList<Factor> Factors { get; }

    /// <summary>
    /// Continues with <paramref name="factor"/>: <see cref="Factor.Push"/> sends a push (returns <see cref="Waiting"/>);
    /// <see cref="Factor.Sms"/> and <see cref="Factor.Voice"/> send a code (returns <see cref="CodeNeeded"/>);
    /// <see cref="Factor.Otp"/> and <see cref="Factor.RecoveryCode"/> return <see cref="CodeNeeded"/> at once;
    /// <see cref="Factor.Passkey"/> asks for a passkey challenge (returns <see cref="PasskeyNeeded"/>).
    /// </summary>
    public Task<SignInStep> ChooseAsync(Factor factor, CancellationToken cancellationToken = default)
    {
        if (!Factors.Contains(factor))
            return Task.FromResult<SignInStep>(new SignInFailed(new DirectAuthError(DirectAuthErrorKind.FactorUnavailable, null,
                $"The factor {factor} is not offered: this app or the server does not support it as a second factor.")));
        return factor switch
        {
            Factor.Otp or Factor.RecoveryCode => Task.FromResult<SignInStep>(new CodeNeeded(factor, null, (code, ct) => VerifyAsync(factor, code, ct))),
            Factor.Passkey => _engine.PasskeyMfaChallengeAsync(_metadata, _mfaToken, cancellationToken),
            _ => _engine.ChallengeAsync(_metadata, _mfaToken, factor, cancellationToken),
        };
    }

    /// <summary>Verifies a one-time password from the user's authenticator app (<c>mfa-otp</c> grant): <see cref="ChooseAsync"/> and submit in one call.</summary>
    public Task<SignInStep> VerifyOtpAsync(string otp, CancellationToken cancellationToken = default) =>
        ChooseAndSubmitAsync(Factor.Otp, otp, cancellationToken);

    /// <summary>Verifies one of the user's recovery codes (<c>mfa-recovery-code</c> grant, a DirectAuth extension).</summary>
    public Task<SignInStep> VerifyRecoveryCodeAsync(string recoveryCode, CancellationToken cancellationToken = default) =>
        ChooseAndSubmitAsync(Factor.RecoveryCode, recoveryCode, cancellationToken);

    private async Task<SignInStep> ChooseAndSubmitAsync(Factor factor, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(code);
        var step = await ChooseAsync(factor, ct).ConfigureAwait(false);
        return step is CodeNeeded needed ? await needed.SubmitCodeAsync(code, ct).ConfigureAwait(false) : step;
    }

    private Task<SignInStep> VerifyAsync(Factor factor, string code, CancellationToken ct) =>
        factor == Factor.Otp
            ? _engine.VerifyMfaOtpAsync(_metadata, _mfaToken, code, ct)
            : _engine.VerifyRecoveryCodeAsync(_metadata, _mfaToken, code, ct);
}
