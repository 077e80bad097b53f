using DirectAuth.Client.Internal;

namespace DirectAuth.Client;

/// <summary>
/// A push is on its way to the user's authenticator app. If <see cref="BindingCode"/> is set (number challenge),
/// show it: the app offers three numbers and the user taps this one. Then call <see cref="WaitAsync"/>, which polls
/// the token endpoint every <see cref="Interval"/> (5 s more after each <c>slow_down</c>) until the user answers,
/// the transaction expires (<see cref="ExpiresAt"/>), or the token is cancelled.
/// </summary>
public sealed class Waiting : SignInStep
{
    private static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);
    private readonly FlowEngine _engine;
    private readonly OobTransaction _transaction;

    internal Waiting(FlowEngine engine, OobTransaction transaction)
    {
        _engine = engine;
        _transaction = transaction;
        Interval = transaction.Interval;
    }

    /// <summary>The factor being waited for (<see cref="Factor.Push"/>).</summary>
    public Factor Factor => _transaction.Factor;

    /// <summary>The number to show the user (number challenge, <c>binding_method=transfer</c>); null when there is none.</summary>
    public string? BindingCode => _transaction.BindingCode;

    /// <summary>When the push expires unanswered (by the client's clock).</summary>
    public DateTimeOffset ExpiresAt => _transaction.ExpiresAt;

    /// <summary>Time between polls: the server's <c>interval</c>, plus 5 s for each <c>slow_down</c>.</summary>
    public TimeSpan Interval { get; private set; }

    /// <summary>
    /// Waits one <see cref="Interval"/> and asks the server once. Returns this same step while the user has not
    /// answered, or the next step: <see cref="SignInSuccess"/>, <see cref="MfaRequired"/>, or <see cref="SignInFailed"/>
    /// (<see cref="DirectAuthErrorKind.Denied"/> for a denial or a wrong number, <see cref="DirectAuthErrorKind.Expired"/>).
    /// </summary>
    public async Task<SignInStep> PollAsync(CancellationToken cancellationToken = default)
    {
        var clock = _engine.Clock;
        var remaining = ExpiresAt - clock.GetUtcNow();
        if (remaining > TimeSpan.Zero)
            await Task.Delay(Interval < remaining ? Interval : remaining, clock, cancellationToken).ConfigureAwait(false);
        if (clock.GetUtcNow() >= ExpiresAt)
            return new SignInFailed(new DirectAuthError(DirectAuthErrorKind.Expired, null,
                "The push was not answered before it expired. Start the sign-in again."));

        var (next, slowDown) = await _engine.PollAsync(_transaction, cancellationToken).ConfigureAwait(false);
        if (slowDown) Interval += SlowDownStep;
        return next ?? this;
    }

    /// <summary>Polls until the user answers, the push expires, or <paramref name="cancellationToken"/> is cancelled (throws <see cref="OperationCanceledException"/>).</summary>
    public async Task<SignInStep> WaitAsync(CancellationToken cancellationToken = default)
    {
        SignInStep step = this;
        while (step == this) step = await PollAsync(cancellationToken).ConfigureAwait(false);
        return step;
    }
}
