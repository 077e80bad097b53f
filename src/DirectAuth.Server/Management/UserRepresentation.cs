using DirectAuth.Server.Users;

namespace DirectAuth.Server.Management;

/// <summary>The Okta-shaped user body of the management API.</summary>
public static class UserRepresentation
{
    public sealed record Profile
    {
        public string? Login { get; init; }
        public string? Email { get; init; }
        public string? FirstName { get; init; }
        public string? LastName { get; init; }
        public string? MobilePhone { get; init; }
    }

    public sealed record PasswordValue
    {
        public string? Value { get; init; }
    }

    public sealed record Credentials
    {
        public PasswordValue? Password { get; init; }
    }

    public sealed record CreateRequest
    {
        public Profile? Profile { get; init; }
        public Credentials? Credentials { get; init; }
    }

    public static object From(User user, string? lockedStatus, string origin) => new Dictionary<string, object?>
    {
        ["id"] = user.Id,
        ["status"] = lockedStatus ?? user.Status,
        ["created"] = user.Created,
        ["activated"] = user.Activated,
        ["statusChanged"] = user.StatusChanged,
        ["lastLogin"] = user.LastLogin,
        ["lastUpdated"] = user.LastUpdated,
        ["passwordChanged"] = user.PasswordChanged,
        ["profile"] = new Dictionary<string, object?>
        {
            ["login"] = user.Login,
            ["email"] = user.Email,
            ["firstName"] = user.FirstName,
            ["lastName"] = user.LastName,
            ["mobilePhone"] = user.MobilePhone,
        },
        ["credentials"] = new Dictionary<string, object?>
        {
            ["password"] = user.PasswordHash is null ? null : new Dictionary<string, object>(),
            ["provider"] = new Dictionary<string, string> { ["type"] = "OKTA", ["name"] = "OKTA" },
        },
        ["_links"] = new Dictionary<string, object>
        {
            ["self"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/users/{user.Id}" },
        },
    };
}
