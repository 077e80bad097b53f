using DirectAuth.Protocol;

namespace DirectAuth.Server.Users;

/// <summary>The OIDC claims about a user that the granted scopes release (id_token and userinfo).</summary>
public static class UserClaims
{
    public static IEnumerable<(string Name, object Value)> For(User user, IReadOnlyCollection<string> scopes)
    {
        if (scopes.Contains(Scopes.Profile))
        {
            if (user.DisplayName.Length > 0) yield return ("name", user.DisplayName);
            if (user.FirstName is not null) yield return ("given_name", user.FirstName);
            if (user.LastName is not null) yield return ("family_name", user.LastName);
            yield return ("preferred_username", user.Login);
            yield return ("updated_at", user.LastUpdated.ToUnixTimeSeconds());
        }
        if (scopes.Contains(Scopes.Email) && user.Email is not null)
        {
            yield return ("email", user.Email);
            yield return ("email_verified", true);
        }
        if (scopes.Contains(Scopes.Phone) && user.MobilePhone is not null)
            yield return ("phone_number", user.MobilePhone);
    }
}
