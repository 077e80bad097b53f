using DirectAuth.Protocol;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Tokens;

/// <summary>System log entries for token issuance (which tokens, never their values).</summary>
public static class TokenAudit
{
    public static AuditEntry Granted(TokenRequest request, User? user, IReadOnlyList<string> scopes, TokenResponse tokens) =>
        new(EventTypes.TokenGranted, Outcomes.Success, "OAuth2 tokens granted")
        {
            ActorId = user?.Id ?? request.Client.ClientId,
            ActorType = user is null ? "Client" : "User",
            ActorAlternateId = user?.Login,
            ClientId = request.Client.ClientId,
            TargetId = request.Context.Server.Id,
            TargetType = "AuthorizationServer",
            Details = new Dictionary<string, string>
            {
                ["grantType"] = request.Form[Parameters.GrantType] ?? "",
                ["scope"] = string.Join(' ', scopes),
                ["tokens"] = string.Join(' ', new[] { "access_token", tokens.IdToken is null ? null : "id_token", tokens.RefreshToken is null ? null : "refresh_token" }.Where(t => t is not null)),
            },
        };
}
