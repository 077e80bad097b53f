using DirectAuth.Server.Observability;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Grants;

/// <summary>
/// The last step of every user sign-in grant, after a factor has been proven: records the sign-in and
/// issues the tokens. (Policy evaluation — whether a further factor is required — belongs here.)
/// </summary>
public sealed class SignInCompletion(TokenIssuer issuer, AuditLog audit, TimeProvider clock)
{
    public async Task<GrantOutcome> CompleteAsync(TokenRequest request, User user, IReadOnlyList<string> scopes, IReadOnlyList<string> amr, CancellationToken ct)
    {
        var tokens = await issuer.IssueAsync(new TokenGrantRequest(request.Context, request.Client, user, scopes)
        {
            Amr = amr,
            AuthTime = clock.GetUtcNow(),
        }, ct);
        await audit.RecordAsync(new AuditEntry(EventTypes.SignIn, Outcomes.Success, "User login to DirectAuth")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = request.Client.ClientId,
            Details = new Dictionary<string, string> { ["amr"] = string.Join(' ', amr), ["grantType"] = request.Form[Protocol.Parameters.GrantType] ?? "" },
        }, ct);
        await audit.RecordAsync(TokenAudit.Granted(request, user, scopes, tokens), ct);
        return GrantOutcome.Success(tokens);
    }
}
