using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.MyAccount;

/// <summary>System log events of the MyAccount API: the actor is the user, the client the app they signed in to.</summary>
public sealed class MyAccountAudit(AuditLog audit)
{
    public Task FactorAsync(string eventType, string message, MyAccountCaller caller, User user, Factor factor, CancellationToken ct) =>
        audit.RecordAsync(Entry(eventType, Outcomes.Success, message, caller, user) with
        {
            Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType, ["via"] = caller.Via },
        }, ct);

    public Task RefusedAsync(MyAccountCaller caller, User user, string reason, string operation, CancellationToken ct) =>
        audit.RecordAsync(Entry(EventTypes.SelfServiceRefused, Outcomes.Deny, "Self-service change refused", caller, user) with
        {
            Reason = reason,
            Details = new Dictionary<string, string>
            {
                ["operation"] = operation, ["amr"] = string.Join(' ', caller.Amr), ["authTime"] = caller.AuthTime.ToString("O"), ["via"] = caller.Via,
            },
        }, ct);

    public Task RecordAsync(AuditEntry entry, CancellationToken ct) => audit.RecordAsync(entry, ct);

    public static AuditEntry Entry(string eventType, string outcome, string message, MyAccountCaller caller, User user) => new(eventType, outcome, message)
    {
        ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = caller.ClientId,
        TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
    };
}
