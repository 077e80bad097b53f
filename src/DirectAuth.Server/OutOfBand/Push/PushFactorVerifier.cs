using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Okta's push verification through the Factors API: <c>POST .../factors/{fid}/verify</c> sends a push to the
/// user's authenticator app (an out-of-band transaction of no app, under the per-user push limits), and
/// <c>GET .../factors/{fid}/transactions/{id}</c> polls it: WAITING, SUCCESS (once), REJECTED or TIMEOUT.
/// </summary>
public sealed class PushFactorVerifier(DirectAuthDb db, PushLimits limits, IPushBus bus, TimeProvider clock, IOptions<OutOfBandOptions> options, AuditLog audit)
{
    /// <summary>The client id of a push an admin (the Factors API) started: the app shows it as the requester.</summary>
    public const string AdminClientId = "Admin verification";

    public enum Poll { Waiting, Success, Rejected, Timeout, NotFound }

    /// <summary>Starts a push; the transaction, or the refusal of the push limits.</summary>
    public async Task<(OobTransaction? Transaction, OAuthError? Refusal)> StartAsync(Factor factor, User user, HttpContext http, CancellationToken ct)
    {
        var loginKey = Secrets.HashHex(User.Normalize(user.Login));
        if (await limits.CheckAsync(loginKey, ct) is { } limited) return (null, limited);
        var now = clock.GetUtcNow();
        var transaction = new OobTransaction
        {
            Id = Secrets.NewId("oob"), CodeHash = Secrets.Hash(Secrets.NewHandle()), ServerId = AuthorizationServer.OrgId, ClientId = AdminClientId,
            UserId = user.Id, LoginKey = loginKey, FactorId = factor.Id, Channel = Channels.Push, BindingMethod = BindingMethods.None,
            Status = OobStatus.Pending, PollInterval = options.Value.IntervalSeconds, IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 512)] : null,
            Created = now, ExpiresAt = now.AddSeconds(options.Value.LifetimeSeconds),
        };
        db.Add(transaction);
        await db.SaveChangesAsync(ct);
        db.Entry(transaction).State = EntityState.Detached;
        await bus.PublishAsync(new PushCreated(factor.Id, transaction.Seq), ct);
        await audit.RecordAsync(new AuditEntry(OobEvents.Started, Outcomes.Success, "Out-of-band challenge started")
        {
            ActorId = "admin", ActorType = "Admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
            Details = new Dictionary<string, string> { ["channel"] = Channels.Push, ["factorId"] = factor.Id, ["transactionId"] = transaction.Id },
        }, ct);
        return (transaction, null);
    }

    /// <summary>The state of a push this API started for <paramref name="factor"/>; an approved one answers SUCCESS once.</summary>
    public async Task<Poll> PollAsync(Factor factor, string transactionId, CancellationToken ct)
    {
        if (transactionId.Length > 64) return Poll.NotFound;
        var tx = await db.Set<OobTransaction>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == transactionId && t.FactorId == factor.Id && t.ClientId == AdminClientId, ct);
        if (tx is null) return Poll.NotFound;
        var now = clock.GetUtcNow();
        if (tx.Status == OobStatus.Denied) return Poll.Rejected;
        if (tx.Status == OobStatus.Consumed || tx.ExpiresAt <= now) return Poll.Timeout;
        if (tx.Status == OobStatus.Pending) return Poll.Waiting;
        var consumed = await db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == OobStatus.Approved)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, OobStatus.Consumed), ct);
        return consumed == 1 ? Poll.Success : Poll.Timeout;
    }
}
