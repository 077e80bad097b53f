namespace DirectAuth.Server.Observability;

/// <summary>
/// The person behind a management API request that was authenticated by a session rather than by the API token
/// (the admin console). Set as a request feature by the management API's authentication; <see cref="AuditLog"/>
/// then writes this user, not the anonymous API-token admin, as the actor of the events the request records.
/// </summary>
public sealed record AdminActor(string UserId, string Login)
{
    /// <summary>The actor id events of the API token carry (<c>actor.type</c> <c>Admin</c>).</summary>
    public const string TokenActorId = "admin";
    public const string TokenActorType = "Admin";

    public static AdminActor? Of(HttpContext? http) => http?.Features.Get<AdminActor>();
}
