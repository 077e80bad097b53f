using DirectAuth.Server.Observability;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Tokens;

/// <summary>
/// Issues the tokens of a finished user sign-in and records it in the system log: the refresh token, the
/// sign-in event and the token event are saved in one write.
/// </summary>
public sealed class SignInTokens(TokenIssuer issuer, AuditLog audit, TimeProvider clock)
{
    public async Task<GrantOutcome> IssueAsync(TokenRequest request, User user, IReadOnlyList<string> scopes,
        IReadOnlyList<string> amr, string acr, CancellationToken ct)
    {
        var tokens = await issuer.IssueAsync(new TokenGrantRequest(request.Context, request.Client, user, scopes)
        {
            Amr = amr,
            Acr = acr,
            AuthTime = clock.GetUtcNow(),
        }, ct);
        audit.Add(new AuditEntry(EventTypes.SignIn, Outcomes.Success, "User login to DirectAuth")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = request.Client.ClientId,
            Details = new Dictionary<string, string>
            {
                ["amr"] = string.Join(' ', amr), ["acr"] = acr, ["grantType"] = request.Form[Protocol.Parameters.GrantType] ?? "",
            },
        });
        await audit.RecordAsync(TokenAudit.Granted(request, user, scopes, tokens), ct);
        return GrantOutcome.Success(tokens);
    }
}
