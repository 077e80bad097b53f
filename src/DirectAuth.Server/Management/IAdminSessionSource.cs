using DirectAuth.Server.Observability;

namespace DirectAuth.Server.Management;

/// <summary>
/// Another way than the API token to authenticate a management API request: a signed-in session of an
/// administrator (the admin console registers one). Asked only when the request has no <c>Authorization</c>
/// header. It answers the person, or null when the request carries no live, allowed session; a change (any
/// method but GET/HEAD) must carry the session's CSRF token or it answers null. The person then is the actor of
/// every system log event the request writes (<see cref="AdminActor"/>); the endpoints and their rules are the same.
/// </summary>
public interface IAdminSessionSource
{
    Task<AdminActor?> ResolveAsync(HttpContext http, CancellationToken ct);
}
