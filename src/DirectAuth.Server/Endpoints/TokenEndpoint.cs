using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.Tokens;

using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Endpoints;

/// <summary>POST {base}/v1/token: reads the form, authenticates the client, and hands the request to the grant it names.</summary>
public static class TokenEndpoint
{
    public static void MapTokenEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("token", ["POST"], HandleAsync);

    /// <summary>A <c>directauth.token</c> span and a <c>directauth.token.requests</c> count per request (docs/operations.md).</summary>
    private static async Task<IResult> HandleAsync(
        HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients,
        TokenGrantFactory grants, DirectAuthMetrics metrics)
    {
        using var span = DirectAuthActivities.Start("directauth.token");
        var grantType = "other";
        var result = await HandleRequestAsync(http, directory, reader, clients, grants, g => grantType = DirectAuthMetrics.GrantTypeLabel(g));
        var outcome = result is OAuthErrorResult refused ? refused.Error.Error : "success";
        metrics.TokenRequest(grantType, outcome);
        span?.SetTag("oauth.grant_type", grantType);
        span?.SetTag("oauth.outcome", outcome);
        if (result is OAuthErrorResult { Error.Status: >= 500 }) span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        return result;
    }

    private static async Task<IResult> HandleRequestAsync(
        HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients,
        TokenGrantFactory grants, Action<string> named)
    {
        var ct = http.RequestAborted;
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var (form, formError) = await reader.ReadAsync(http.Request, ct);
        if (form is null) return new OAuthErrorResult(formError!);

        var grantType = form[Parameters.GrantType];
        if (grantType is null) return new OAuthErrorResult(OAuthError.MissingParameter(Parameters.GrantType));
        named(grantType);

        var (client, clientError) = await clients.AuthenticateAsync(context, form, http.Request.Headers.Authorization, context.EndpointUrl("token"), ct);
        if (client is null) return new OAuthErrorResult(clientError!);

        var grant = grants.Create(grantType, http.RequestServices);
        if (grant is null)
            return new OAuthErrorResult(new OAuthError(400, Errors.UnsupportedGrantType, $"The grant type '{Truncate(grantType)}' is not supported."));
        if (!client.Allows(grantType))
            return new OAuthErrorResult(new OAuthError(400, Errors.UnauthorizedClient,
                $"The client is not authorized to use the provided grant type. Configured grant types: [{string.Join(", ", client.GrantTypeList)}]."));

        GrantOutcome outcome;
        using (DirectAuthActivities.Start("directauth.grant")?.SetTag("oauth.grant_type", DirectAuthMetrics.GrantTypeLabel(grantType)))
            outcome = await grant.HandleAsync(new TokenRequest(context, client, form), ct);
        if (outcome.Tokens is not null)
            return new WireResult<TokenResponse>(200, outcome.Tokens, ProtocolJsonContext.Wire.TokenResponse);

        var error = outcome.Error!;
        if (error.Error is not Errors.AuthorizationPending and not Errors.SlowDown and not Errors.MfaRequired)
            // Summarised per source, client and error: a flood of bad requests does not write an event each. What a
            // user's sign-in proved or failed is in the grant's own events (wrong password, lockout, wrong code).
            await http.RequestServices.GetRequiredService<RefusalSummaries>().RecordAsync(
                new Refusal(EventTypes.TokenGrantFailed, error.Error, "OAuth2 token request refused", RefusalInterval(http))
                {
                    Severity = "INFO", ClientId = client.ClientId,
                    Details = new Dictionary<string, string> { ["grantType"] = grantType, ["error_description"] = error.LoggedDescription },
                });
        return new OAuthErrorResult(error);
    }

    private static TimeSpan RefusalInterval(HttpContext http) =>
        TimeSpan.FromSeconds(http.RequestServices.GetRequiredService<IOptions<SystemLogOptions>>().Value.TokenRefusalIntervalSeconds);

    private static string Truncate(string s) => s.Length > 100 ? s[..100] + "…" : s;
}
