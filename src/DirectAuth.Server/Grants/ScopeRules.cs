using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Grants;

/// <summary>Which requested scopes a server knows and a client may have.</summary>
public static class ScopeRules
{
    public static readonly string[] OidcScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.Address, Scopes.OfflineAccess];

    public static IEnumerable<string> Supported(AuthorizationServer server) =>
        OidcScopes.Concat(server.CustomScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Parses and checks the <c>scope</c> of a user sign-in.</summary>
    public static (IReadOnlyList<string>? Scopes, OAuthError? Error) ForSignIn(string? requested, AuthorizationServer server, Application client)
    {
        if (requested is null)
            return (null, OAuthError.InvalidScope("The authorization server resource does not have any configured default scopes, 'scope' must be provided."));
        var scopes = Split(requested);
        var supported = Supported(server).ToHashSet(StringComparer.Ordinal);
        if (scopes.Count == 0 || scopes.Any(s => !supported.Contains(s)))
            return (null, OAuthError.InvalidScope("One or more scopes are not configured for the authorization server resource."));
        if (scopes.Contains(Scopes.OfflineAccess) && !client.Allows(GrantTypes.RefreshToken))
            return (null, OAuthError.InvalidScope("The 'offline_access' scope needs the refresh_token grant to be enabled on the app."));
        return (scopes, null);
    }

    public static List<string> Split(string scope) =>
        scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
