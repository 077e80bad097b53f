using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Okta's app grants (<c>/api/v1/apps/{clientId}/grants</c>, admin token): which Okta API scopes an app may ask the org
/// authorization server for. DirectAuth grants only the MyAccount scopes (<see cref="MyAccountScopes"/>). A grant's id is
/// its scope name. A token request for a scope the app is not granted is <c>400 invalid_scope</c>; removing a grant also
/// stops tokens already issued from using that scope at the MyAccount API.
/// </summary>
public static class AppScopeGrantsApi
{
    public sealed record GrantRequest(string? ScopeId, string? Issuer);

    public static void MapAppScopeGrants(this RouteGroupBuilder admin)
    {
        admin.MapGet("/apps/{clientId}/grants", ListAsync).WithTags("Apps (OAuth clients)").WithSummary("List the Okta API scopes granted to an app");
        admin.MapPost("/apps/{clientId}/grants", GrantAsync).WithTags("Apps (OAuth clients)")
            .WithSummary("Grant an app an okta.myAccount.* scope").WithJsonBody<GrantRequest>();
        admin.MapGet("/apps/{clientId}/grants/{grantId}", GetAsync).WithTags("Apps (OAuth clients)").WithSummary("Get one grant of an app");
        admin.MapDelete("/apps/{clientId}/grants/{grantId}", RevokeAsync).WithTags("Apps (OAuth clients)").WithSummary("Revoke a grant of an app");
    }

    private static async Task<IResult> ListAsync(string clientId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var app = await ClientRegistrationApi.FindAsync(db, clientId, http.RequestAborted);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(app.GrantedScopeList.Select(s => Represent(app, s, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string clientId, string grantId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var app = await ClientRegistrationApi.FindAsync(db, clientId, http.RequestAborted);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        return app.GrantedScopeList.Contains(grantId) ? new JsonBodyResult(Represent(app, grantId, directory.OriginOf(http.Request))) : GrantNotFound(grantId);
    }

    private static async Task<IResult> GrantAsync(string clientId, HttpContext http, DirectAuthDb db, JsonBody body, ServerDirectory directory,
        TimeProvider clock, AuditLog audit, ApplicationCache clients)
    {
        var app = await ClientRegistrationApi.FindAsync(db, clientId, http.RequestAborted);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        var (request, error) = await body.ReadAsync<GrantRequest>(http.Request);
        if (request is null) return error!;
        if (string.IsNullOrEmpty(request.ScopeId)) return Validation.Failed("scopeId", "scopeId: The field cannot be left blank");
        if (!MyAccountScopes.All.Contains(request.ScopeId))
            return Validation.Failed("scopeId", $"scopeId: '{AuthorizationServersApi.Shorten(request.ScopeId)}' cannot be granted; use one of: {string.Join(", ", MyAccountScopes.All)}");
        var origin = directory.OriginOf(http.Request);
        if (request.Issuer is { Length: > 0 } issuer && issuer.TrimEnd('/') != origin)
            return Validation.Failed("issuer", $"issuer: must be the org authorization server's issuer, {origin}");

        var created = !app.GrantedScopeList.Contains(request.ScopeId);
        if (created)
        {
            app.GrantedScopes = string.Join(' ', app.GrantedScopeList.Append(request.ScopeId));
            app.LastUpdated = clock.GetUtcNow();
            await db.SaveChangesAsync(http.RequestAborted);
            clients.Forget();
            await audit.RecordAsync(Audit(EventTypes.AppUpdated, "Grant an Okta API scope to an app", app, request.ScopeId), http.RequestAborted);
        }
        return new JsonBodyResult(Represent(app, request.ScopeId, origin), created ? 201 : 200);
    }

    private static async Task<IResult> RevokeAsync(string clientId, string grantId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit,
        ApplicationCache clients)
    {
        var app = await ClientRegistrationApi.FindAsync(db, clientId, http.RequestAborted);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        if (!app.GrantedScopeList.Contains(grantId)) return GrantNotFound(grantId);
        app.GrantedScopes = string.Join(' ', app.GrantedScopeList.Where(s => s != grantId));
        app.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(http.RequestAborted);
        clients.Forget();
        await audit.RecordAsync(Audit(EventTypes.AppUpdated, "Revoke an Okta API scope from an app", app, grantId), http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>Okta's <c>OAuth2ScopeConsentGrant</c>.</summary>
    private static Dictionary<string, object?> Represent(Application app, string scope, string origin) => new()
    {
        ["id"] = scope,
        ["clientId"] = app.ClientId,
        ["issuer"] = origin,
        ["scopeId"] = scope,
        ["source"] = "ADMIN",
        ["status"] = "ACTIVE",
        ["lastUpdated"] = app.LastUpdated,
        ["_links"] = new Dictionary<string, object>
        {
            ["self"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/apps/{app.ClientId}/grants/{scope}" },
            ["app"] = new Dictionary<string, string> { ["href"] = $"{origin}/oauth2/v1/clients/{app.ClientId}" },
        },
    };

    private static OktaErrorResult GrantNotFound(string grantId) => Validation.NotFound($"{AuthorizationServersApi.Shorten(grantId)} (OAuth2ScopeConsentGrant)");

    private static AuditEntry Audit(string eventType, string message, Application app, string scope) =>
        ClientRegistrationApi.Audit(eventType, message, app) with { Details = new Dictionary<string, string> { ["scopeId"] = scope } };
}
