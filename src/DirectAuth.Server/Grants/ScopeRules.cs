using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Grants;

/// <summary>Which requested scopes a server knows and a client may have.</summary>
public static class ScopeRules
{
    public static readonly string[] OidcScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.Address, Scopes.OfflineAccess];

    /// <summary>The scopes a server knows: OIDC, its custom scopes, and on the org server the MyAccount scopes (as Okta: only the org server grants <c>okta.*</c> scopes).</summary>
    public static IEnumerable<string> Supported(AuthorizationServer server) =>
        OidcScopes.Concat(server.CustomScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Concat(server.IsOrg ? MyAccountScopes.All : []);

    /// <summary>Parses and checks the <c>scope</c> of a user sign-in.</summary>
    public static (IReadOnlyList<string>? Scopes, OAuthError? Error) ForSignIn(string? requested, AuthorizationServer server, Application client)
    {
        if (requested is null)
            return (null, OAuthError.InvalidScope("The authorization server resource does not have any configured default scopes, 'scope' must be provided."));
        var scopes = Split(requested);
        var supported = Supported(server).ToHashSet(StringComparer.Ordinal);
        if (scopes.Count == 0 || scopes.Any(s => !supported.Contains(s)))
            return (null, OAuthError.InvalidScope("One or more scopes are not configured for the authorization server resource."));
        var notGranted = scopes.Where(s => MyAccountScopes.All.Contains(s) && !client.GrantedScopeList.Contains(s)).ToList();
        if (notGranted.Count > 0)
            return (null, OAuthError.InvalidScope(
                $"The app is not granted these scopes: {string.Join(' ', notGranted)}. An admin grants them with POST /api/v1/apps/{{clientId}}/grants."));
        if (scopes.Contains(Scopes.OfflineAccess) && !client.Allows(GrantTypes.RefreshToken))
            return (null, OAuthError.InvalidScope("The 'offline_access' scope needs the refresh_token grant to be enabled on the app."));
        return (scopes, null);
    }

    public static List<string> Split(string scope) =>
        scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
