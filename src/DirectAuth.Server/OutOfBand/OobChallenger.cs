using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// <c>/challenge</c> for push, SMS and voice (seed flows 000/001): starts an out-of-band transaction bound to
/// the <c>mfa_token</c>'s transaction and its user, living no longer than the <c>mfa_token</c>, and answers
/// the mfa-oob challenge. The user is known here (the password was right), so there is no decoy: a user
/// without the channel gets an error, as <c>/challenge</c> already checked that the factor is accepted.
/// </summary>
public sealed class OobChallenger(OobStarter starter, DirectAuthDb db) : IOutOfBandChallenger
{
    public async Task<ChallengeOutcome> ChallengeAsync(OAuthContext context, Application client, MfaTransaction transaction, string channel, CancellationToken ct)
    {
        var oob = starter.FindChannel(channel);
        if (oob is null) return new OAuthError(400, Errors.UnsupportedChallengeType, $"The '{channel}' channel is not available on this server.");
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == transaction.UserId, ct);
        if (user is not { Status: UserStatus.Active }) return MfaErrors.Expired;

        var (started, error) = await starter.StartAsync(new OobStartRequest(context, client, oob)
        {
            User = user, MfaTransactionId = transaction.Id, NotAfter = transaction.ExpiresAt,
        }, ct);
        if (started is null) return error!;
        var response = started.ToResponse();
        return new ChallengeResponse
        {
            ChallengeType = GrantTypes.MfaOob, OobCode = response.OobCode, Channel = response.Channel, BindingMethod = response.BindingMethod,
            BindingCode = response.BindingCode, ExpiresIn = response.ExpiresIn, Interval = response.Interval,
            Destination = response.Destination,
        };
    }
}
