using DirectAuth.Server.Management;
using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Observability;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// The management API's caller from the console's cookie: a live console session, its CSRF token on every change,
/// and a user still active and still in the administrators' group (checked on each request, so removing someone
/// from the group ends their console at the next click).
/// </summary>
public sealed class ConsoleSessionSource(ConsoleSessions sessions, ConsoleAdmins admins) : IAdminSessionSource
{
    public async Task<AdminActor?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        var handle = ConsoleSessions.HandleOf(http);
        if (handle is null) return null;
        if (!PageGuard.IsSafe(http.Request.Method) && !ConsoleSessions.CsrfMatches(handle, http.Request.Headers[ConsoleSessions.CsrfHeader])) return null;
        var session = await sessions.FindAsync(handle, ct);
        if (session is null) return null;
        var user = await admins.FindAdminAsync(session.UserId, ct);
        return user is null ? null : new AdminActor(user.Id, user.Login);
    }
}
