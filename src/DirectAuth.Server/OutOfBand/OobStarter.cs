using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand;

/// <summary>What starts an out-of-band transaction: a login hint (primary factor) or a known user (MFA).</summary>
public sealed record OobStartRequest(OAuthContext Context, Application Client, IOobChannel Channel)
{
    /// <summary>Primary factor: the <c>login_hint</c>. Unknown, inactive and not-enrolled users get a decoy.</summary>
    public string? LoginHint { get; init; }
    /// <summary>MFA: the user who proved the first factor. Not enrolled is an error (no decoy: the user is known).</summary>
    public User? User { get; init; }
    /// <summary>MFA: the id of the MFA transaction (<c>mfa_token</c>) the <c>oob_code</c> is bound to.</summary>
    public string? MfaTransactionId { get; init; }
    /// <summary>MFA: the <c>mfa_token</c>'s expiry; the <c>oob_code</c> does not outlive it.</summary>
    public DateTimeOffset? NotAfter { get; init; }
}

/// <summary>A started transaction: the handle to give the client (never stored) and what to tell it.</summary>
public sealed record OobStarted(string OobCode, OobTransaction Transaction, OobBinding Binding, int ExpiresIn)
{
    public OobAuthenticateResponse ToResponse() => new()
    {
        OobCode = OobCode, ExpiresIn = ExpiresIn, Interval = Transaction.PollInterval, Channel = Transaction.Channel,
        BindingMethod = Transaction.BindingMethod, BindingCode = Transaction.BindingMethod == BindingMethods.Transfer ? Binding.Code : null,
        Destination = Binding.Destination,
    };
}

/// <summary>
/// Starts out-of-band transactions for every channel, under the app's sign-on policy (the rule for the
/// user): a primary-factor start must be allowed by the rule's primary factors (<c>oob:push</c>, ...), and
/// the rule's number challenge mode goes to the channel. A primary-factor start never reveals whether the
/// login exists or is enrolled: such a request gets a decoy transaction that answers exactly like a real
/// one (same fields, same binding method, same per-login limits, the same lookups and the same kind of
/// delivery work) and simply never completes; so does a login at the failure cap. A decoy is judged by the
/// rule that applies to a user in no group.
/// </summary>
public sealed class OobStarter(
    DirectAuthDb db, IEnumerable<IOobChannel> channels, PolicyEvaluator policies, SecretProtector protector, TimeProvider clock,
    IOptions<OutOfBandOptions> options, AuditLog audit, LockoutService lockout, Observability.Telemetry.DirectAuthMetrics metrics)
{
    public IOobChannel? FindChannel(string channel) => channels.FirstOrDefault(c => c.Channel == channel);

    public async Task<(OobStarted? Started, OAuthError? Error)> StartAsync(OobStartRequest request, CancellationToken ct)
    {
        var channel = request.Channel;
        var login = request.User?.Login ?? request.LoginHint ?? throw new ArgumentException("A login hint or a user is required.", nameof(request));
        var user = request.User ?? await FindActiveUserAsync(login, ct);
        var policy = await policies.ForAsync(request.Client, user ?? NoGroups(login), ct);
        if (request.MfaTransactionId is null && !policy.AllowsPrimary(channel.Channel))
        {
            await audit.RecordAsync(new AuditEntry(MfaEventTypes.PolicyEvaluated, Outcomes.Deny, "Evaluation of sign-on policy")
            {
                Reason = "PRIMARY_FACTOR_NOT_ALLOWED", ActorId = user?.Id, ActorType = "User", ActorAlternateId = Truncate(login, 256),
                ClientId = request.Client.ClientId, TargetId = policy.PolicyId, TargetType = "AuthenticationPolicy",
                Details = new Dictionary<string, string> { ["rule"] = policy.RuleId, ["primaryFactor"] = FactorKinds.PrimaryName(channel.Channel) },
            }, ct);
            return (null, SignInDecision.PolicyFailed);
        }
        // The same lookups for a login no one has (by an id no user has): the work must not tell them apart.
        var userId = user?.Id ?? "";
        var factor = await db.Set<Factor>().AsNoTracking()
            .Where(f => f.UserId == userId && f.FactorType == channel.FactorType && f.Status == FactorStatus.Active)
            .OrderBy(f => f.Created).FirstOrDefaultAsync(ct);
        // A login at the failure cap is locked out of sign-in: a primary start gets a decoy, as an unknown login does.
        var capped = await lockout.IsCappedAsync(LockoutService.KeyFor(login), ct);
        // MFA: the factor went away after the mfa_token was issued (e.g. reset); answer as /challenge does for a user never enrolled.
        if (request.User is not null && factor is null)
            return (null, new OAuthError(400, Errors.UnsupportedChallengeType,
                $"The user has no '{channel.Channel}' authenticator that this app accepts, or the client does not support the mfa-oob grant."));
        var decoyReason = user is null ? "UNKNOWN_OR_INACTIVE_USER" : factor is null ? "NOT_ENROLLED"
            : capped && request.MfaTransactionId is null ? "LOCKED_OUT" : null;
        if (decoyReason is not null) (user, factor) = (null, null);

        var o = options.Value;
        var now = clock.GetUtcNow();
        var expiresAt = now.AddSeconds(o.LifetimeSeconds);
        if (request.NotAfter is { } notAfter && notAfter < expiresAt) expiresAt = notAfter;
        var code = Secrets.NewHandle();
        var transaction = new OobTransaction
        {
            Id = Secrets.NewId("oob"), CodeHash = Secrets.Hash(code), ServerId = request.Context.Server.Id, ClientId = request.Client.ClientId,
            MfaTransactionId = request.MfaTransactionId, UserId = user?.Id, LoginKey = Secrets.HashHex(User.Normalize(login)), FactorId = factor?.Id,
            Channel = channel.Channel, BindingMethod = BindingMethods.None, Status = OobStatus.Pending, PollInterval = o.IntervalSeconds,
            IpAddress = request.Context.IpAddress, UserAgent = Truncate(request.Context.UserAgent, 512), Created = now, ExpiresAt = expiresAt,
        };
        var start = new OobStart(request.Context, request.Client, transaction, user, factor) { NumberChallengeMode = policy.NumberChallenge };

        var binding = await channel.BindAsync(start, ct);
        if (binding.Refusal is { } refusal)
        {
            await RecordAsync(OobEvents.Throttled, Outcomes.Deny, "Out-of-band challenge refused", start, login, refusal.Description, "WARN", ct);
            return (null, refusal);
        }
        transaction.BindingMethod = binding.Method;
        transaction.BindingSealed = OobBindingCodes.Seal(protector, binding);
        db.Add(transaction);
        await db.SaveChangesAsync(ct);
        db.Entry(transaction).State = EntityState.Detached;

        // Decoys too: the channel does the same kind of work and delivers nothing.
        OAuthError? failure;
        using (Observability.Telemetry.DirectAuthActivities.Start("directauth.delivery")?.SetTag("directauth.channel", channel.Channel))
            failure = await channel.DeliverAsync(start, binding, ct);
        if (failure is not null && user is not null)
        {
            await db.Set<OobTransaction>().Where(t => t.Seq == transaction.Seq)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, OobStatus.Denied).SetProperty(t => t.StatusReason, "DELIVERY_FAILED").SetProperty(t => t.ResolvedAt, now), ct);
            await RecordAsync(OobEvents.DeliveryFailed, Outcomes.Failure, "Out-of-band challenge could not be delivered", start, login, failure.Description, "WARN", ct);
            return (null, failure);
        }
        if (decoyReason is null && channel.Channel == Channels.Push) metrics.PushSent();
        await RecordAsync(OobEvents.Started, decoyReason is null ? Outcomes.Success : Outcomes.Failure, "Out-of-band challenge started", start, login, decoyReason, "INFO", ct);
        // Rounded: a stored expiry can come back a fraction of a millisecond early (SQLite keeps 0.1 ms precision).
        return (new OobStarted(code, transaction, binding, (int)Math.Round((expiresAt - now).TotalSeconds)), null);
    }

    private async Task<User?> FindActiveUserAsync(string login, CancellationToken ct)
    {
        if (login.Length > 256) return null;
        var normalized = User.Normalize(login);
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedLogin == normalized, ct);
        return user is { Status: UserStatus.Active } ? user : null;
    }

    /// <summary>Who a login no one has is, to the policy: a user in no group.</summary>
    private static User NoGroups(string login) => new() { Id = "", Login = login, NormalizedLogin = "", Status = UserStatus.Active };

    private Task RecordAsync(string eventType, string outcome, string message, OobStart start, string login, string? reason, string severity, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(eventType, outcome, message)
        {
            Reason = reason, Severity = severity, ActorId = start.User?.Id, ActorType = "User", ActorAlternateId = Truncate(login, 256),
            ClientId = start.Client.ClientId, TargetId = start.Transaction.Id, TargetType = "OobTransaction",
            Details = new Dictionary<string, string>
            {
                ["channel"] = start.Transaction.Channel, ["bindingMethod"] = start.Transaction.BindingMethod,
                ["mfa"] = start.Transaction.MfaTransactionId is null ? "false" : "true",
            },
        }, ct);

    private static string? Truncate(string? s, int max) => s is { } v && v.Length > max ? v[..max] : s;
}
