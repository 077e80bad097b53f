using DirectAuth.Server.Applications;
using DirectAuth.Server.MyAccount;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// The caller of the MyAccount API from the My Account page's session cookie (asked after the Bearer source):
/// a live session, its CSRF token on every change (any method but GET/HEAD), a user and a page app still active,
/// and the MyAccount scopes the page app is still granted. <see cref="PageGuard"/> has already refused a change
/// without the CSRF token with a 403; this checks again so no route can be reached without it.
/// </summary>
public sealed class SessionCallerSource(PageSessions sessions, DirectAuthDb db, ApplicationCache apps) : IMyAccountCallerSource
{
    public async Task<MyAccountCaller?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        var handle = PageSessions.HandleOf(http);
        if (handle is null) return null;
        if (!PageGuard.IsSafe(http.Request.Method) && !PageSessions.CsrfMatches(handle, http.Request.Headers[PageSessions.CsrfHeader])) return null;
        var session = await sessions.FindAsync(handle, ct);
        if (session is null) return null;
        var status = await db.Set<User>().AsNoTracking().Where(u => u.Id == session.UserId).Select(u => u.Status).FirstOrDefaultAsync(ct);
        if (status != UserStatus.Active) return null;
        var app = await apps.FindAsync(session.ClientId, ct);
        if (app is not { Status: "ACTIVE" }) return null;
        var scopes = session.ScopeList.Where(s => !Protocol.MyAccountScopes.All.Contains(s) || app.GrantedScopeList.Contains(s)).ToArray();
        return new MyAccountCaller(session.UserId, session.ClientId, scopes, session.AuthTime, session.AmrList, session.ServerId, session.ExpiresAt)
        {
            Acr = session.Acr,
            Via = "session",
            CredentialId = session.Id,
        };
    }
}
