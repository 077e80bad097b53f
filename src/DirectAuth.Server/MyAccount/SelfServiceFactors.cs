using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Phone;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// The changes a user makes to their own factors, shared by <c>/factors</c> and <c>/phones</c>: each goes to the factor
/// type's <see cref="IFactorHandler"/> (the admin API's rules), then writes the self-service event and tells the user.
/// Callers have checked the scope and the step-up.
/// </summary>
public sealed class SelfServiceFactors(
    DirectAuthDb db, IEnumerable<IFactorHandler> handlers, MyAccountAudit audit, FactorChangeNotifier notifier, LastFactorRule lastFactor,
    FactorChangeActor actor)
{
    public IFactorHandler? HandlerFor(string factorType) => handlers.FirstOrDefault(h => h.FactorType == factorType);

    public IEnumerable<string> FactorTypes => handlers.Select(h => h.FactorType);

    /// <summary>Starts an enrollment; the handler's answer (the factor, PENDING_ACTIVATION, or an error).</summary>
    public async Task<IResult> EnrollAsync(HttpContext http, MyAccountCaller caller, User user, IFactorHandler handler, JsonElement body, string origin)
    {
        actor.SelfService(user);
        var result = await handler.EnrollAsync(new FactorEnrollment(http, user, body, origin), http.RequestAborted);
        if (result is JsonBodyResult { Value: Dictionary<string, object?> answer } && answer["id"] is string id
            && await FindAsync(caller.UserId, id, http.RequestAborted) is { } factor)
            await audit.FactorAsync(EventTypes.SelfFactorEnrollStarted, "User started enrolling a factor", caller, user, factor, http.RequestAborted);
        return result;
    }

    /// <summary>
    /// Activates a pending factor. Activations of one factor take turns: each runs in a transaction that first claims the
    /// factor's row (an UPDATE that holds its lock, on PostgreSQL and SQLite alike) and then sees whether it is still
    /// pending, so of two racing activations one wins and the other is <see cref="AlreadyActive"/>, never "wrong code"
    /// because the winner used the code first. The user is told after the commit.
    /// </summary>
    public async Task<IResult> ActivateAsync(HttpContext http, MyAccountCaller caller, User user, string factorId, JsonElement body, string origin)
    {
        var ct = http.RequestAborted;
        IResult result;
        Factor? activated = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var claimed = await db.Set<Factor>().Where(f => f.UserId == caller.UserId && f.Id == factorId)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.LastUpdated, f => f.LastUpdated), ct);
            var factor = claimed == 0 ? null : await db.Set<Factor>().FirstOrDefaultAsync(f => f.UserId == caller.UserId && f.Id == factorId, ct);
            var handler = factor is null ? null : HandlerFor(factor.FactorType);
            if (factor is null || handler is null) return NotFound(factorId);
            if (factor.Status != FactorStatus.PendingActivation) return AlreadyActive;

            actor.SelfService(user);
            result = await handler.ActivateAsync(factor, user, body, origin, ct);
            if (result is JsonBodyResult { Status: 200 })
            {
                activated = await FindAsync(caller.UserId, factorId, ct);
                if (activated is { Status: FactorStatus.Active })
                    await audit.FactorAsync(EventTypes.SelfFactorActivated, "User activated a factor", caller, user, activated, ct);
            }
            // Committed also on failure: a wrong code's booked attempt must stay booked.
            await tx.CommitAsync(CancellationToken.None);
        }
        if (activated is { Status: FactorStatus.Active }) await notifier.NotifyAsync(user, caller.ClientId, activated, added: true, ct);
        return result;
    }

    /// <summary>Sends a new code to a pending phone factor.</summary>
    public async Task<IResult> ResendAsync(HttpContext http, User user, Factor factor, string origin)
    {
        if (HandlerFor(factor.FactorType) is not PhoneFactorHandler phone)
            return Validation.Failed("factor", "Only a pending sms or call factor can be sent a new code");
        if (factor.Status != FactorStatus.PendingActivation) return AlreadyActive;
        actor.SelfService(user);
        return await phone.ResendAsync(factor, user, origin, http.RequestAborted);
    }

    /// <summary>Removes a factor (the last one a required policy accepts stays); 204.</summary>
    public async Task<IResult> DeleteAsync(HttpContext http, MyAccountCaller caller, User user, Factor factor)
    {
        if (factor.Status == FactorStatus.Active && await lastFactor.RefusalAsync(caller, user, factor, http.RequestAborted) is { } kept)
        {
            await audit.RefusedAsync(caller, user, "LAST_REQUIRED_FACTOR", "factor.delete", http.RequestAborted);
            return kept;
        }
        var deleted = await db.Set<Factor>().Where(f => f.Id == factor.Id && f.UserId == caller.UserId).ExecuteDeleteAsync(http.RequestAborted);
        if (deleted == 0) return NotFound(factor.Id);
        await audit.FactorAsync(EventTypes.FactorDeactivated, "User removed a factor", caller, user, factor, http.RequestAborted);
        if (factor.Status == FactorStatus.Active) await notifier.NotifyAsync(user, caller.ClientId, factor, added: false, http.RequestAborted);
        return Results.NoContent();
    }

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) =>
        factorId.Length > 64 ? Task.FromResult<Factor?>(null) : db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Id == factorId, ct);

    public static readonly OktaErrorResult AlreadyActive = new(409, OktaErrors.Create("E0000001", "Api validation failed: factor",
        "The factor is already active (another request activated it first)"));

    public static OktaErrorResult NotFound(string factorId) => Validation.NotFound($"{Shorten(factorId)} (UserFactor)");

    private static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;
}
