using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tokens;

namespace DirectAuth.Server.Grants;

/// <summary><c>grant_type=client_credentials</c>: an access token for a confidential service app itself.</summary>
public sealed class ClientCredentialsGrant(TokenIssuer issuer, AuditLog audit) : ITokenGrant
{
    public string GrantType => GrantTypes.ClientCredentials;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        if (request.Client.IsPublic)
            return OAuthError.InvalidClient("The client_credentials grant needs a confidential client.");
        var custom = request.Context.Server.CustomScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var scopes = request.Form[Parameters.Scope] is { } s ? ScopeRules.Split(s) : [];
        if (scopes.Any(x => !custom.Contains(x, StringComparer.Ordinal)))
            return OAuthError.InvalidScope("The client_credentials grant accepts only the custom scopes configured on the authorization server; OpenID Connect scopes are for users.");

        var tokens = await issuer.IssueAsync(new TokenGrantRequest(request.Context, request.Client, null, scopes), ct);
        await audit.RecordAsync(TokenAudit.Granted(request, null, scopes, tokens), ct);
        return GrantOutcome.Success(tokens);
    }
}
