using DirectAuth.Server.Users;

namespace DirectAuth.Server.Authenticators;

/// <summary>
/// Who changes factors in this request, for the system log events the factor handlers write: the admin (the Factors
/// API, the default) or the user themselves (the MyAccount API calls <see cref="SelfService"/> before it uses a handler).
/// Scoped: one per request.
/// </summary>
public sealed class FactorChangeActor
{
    public string Type { get; private set; } = "Admin";
    public string Id { get; private set; } = "admin";
    public string? AlternateId { get; private set; }

    public void SelfService(User user) => (Type, Id, AlternateId) = ("User", user.Id, user.Login);
}
