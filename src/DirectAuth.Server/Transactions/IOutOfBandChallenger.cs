using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Transactions;

/// <summary>The answer of an out-of-band challenge: the <c>/challenge</c> body, or an OAuth error.</summary>
public sealed record ChallengeOutcome(ChallengeResponse? Response, OAuthError? Error)
{
    public static implicit operator ChallengeOutcome(ChallengeResponse response) => new(response, null);
    public static implicit operator ChallengeOutcome(OAuthError error) => new(null, error);
}

/// <summary>
/// Starts an out-of-band second factor for <c>/challenge</c> (push, SMS or voice): creates the OOB
/// transaction for <paramref name="transaction"/>, delivers it, and answers
/// <c>challenge_type=http://auth0.com/oauth/grant-type/mfa-oob</c> with <c>oob_code</c>, <c>channel</c>,
/// <c>binding_method</c> (and <c>binding_code</c>), <c>expires_in</c> and <c>interval</c>. The out-of-band
/// feature registers one (<c>AddScoped&lt;IOutOfBandChallenger, T&gt;()</c>); without one, <c>/challenge</c>
/// answers 400 <c>unsupported_challenge_type</c> for these channels.
/// </summary>
public interface IOutOfBandChallenger
{
    /// <param name="channel">push, sms or voice (<see cref="Channels"/>); the transaction accepts it (<see cref="MfaTransaction.Accepts"/>).</param>
    Task<ChallengeOutcome> ChallengeAsync(OAuthContext context, Application client, MfaTransaction transaction, string channel, CancellationToken ct);
}
