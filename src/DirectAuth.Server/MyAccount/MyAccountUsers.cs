using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>The caller's user and factors, read so that another user's factor is never found.</summary>
public sealed class MyAccountUsers(DirectAuthDb db, MyAccountAudit audit)
{
    /// <summary>
    /// A change to authenticators: the caller (with the manage scope and a step-up) and their user. A step-up refusal
    /// is written to the system log with <paramref name="operation"/>.
    /// </summary>
    public async Task<(MyAccountCaller? Caller, User? User, IResult? Refusal)> RequireStepUpAsync(
        HttpContext http, MyAccountAccess access, string operation, string scope = Protocol.MyAccountScopes.AuthenticatorsManage, string? activating = null)
    {
        var (caller, refusal) = await access.RequireAsync(http, scope);
        if (caller is null) return (null, null, refusal);
        var user = await db.Set<User>().FirstOrDefaultAsync(u => u.Id == caller.UserId, http.RequestAborted);
        if (user is null) return (null, null, MyAccountErrors.InvalidToken);
        if (await access.StepUpRefusalAsync(caller, http.RequestAborted, activating) is { } stepUp)
        {
            await audit.RefusedAsync(caller, user, "STEP_UP_REQUIRED", operation, http.RequestAborted);
            return (null, null, stepUp);
        }
        return (caller, user, null);
    }
}
