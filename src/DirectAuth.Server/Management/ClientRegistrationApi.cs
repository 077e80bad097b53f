using System.Text.Json;
using System.Text.Json.Serialization;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// RFC 7591 dynamic client registration at POST /oauth2/v1/clients (admin token required, as Okta's),
/// plus GET, list, RFC 7592-style update (PUT) and DELETE of registered clients. A client secret is
/// shown once, when it is made (registration, a new secret, or an update that starts using one).
/// Lifecycle (new secret, activate, deactivate) is in <see cref="ClientLifecycleApi"/>.
/// </summary>
public static class ClientRegistrationApi
{
    /// <summary>RFC 7591 section 2: client metadata the server does not understand is ignored, not refused.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
    public sealed record RegistrationRequest
    {
        [JsonPropertyName("client_id")] public string? ClientId { get; init; }
        [JsonPropertyName("client_name")] public string? ClientName { get; init; }
        [JsonPropertyName("application_type")] public string? ApplicationType { get; init; }
        [JsonPropertyName("grant_types")] public List<string>? GrantTypes { get; init; }
        [JsonPropertyName("token_endpoint_auth_method")] public string? TokenEndpointAuthMethod { get; init; }
        [JsonPropertyName("jwks")] public JsonElement? Jwks { get; init; }
    }

    public static void MapClientRegistration(this RouteGroupBuilder clients)
    {
        clients.WithTags("Apps (OAuth clients)");
        clients.MapPost("", RegisterAsync).WithSummary("Register an OAuth client (RFC 7591); a client secret is shown once")
            .WithJsonBody<RegistrationRequest>();
        clients.MapGet("", ListAsync).WithSummary("List OAuth clients");
        clients.MapGet("/{clientId}", GetAsync).WithSummary("Get an OAuth client");
        clients.MapPut("/{clientId}", UpdateAsync)
            .WithSummary("Update an OAuth client (RFC 7592 style): client_name, application_type, grant_types, token_endpoint_auth_method, jwks")
            .WithJsonBody<RegistrationRequest>();
        clients.MapDelete("/{clientId}", DeleteAsync).WithSummary("Delete an OAuth client and its refresh tokens");
        clients.MapClientLifecycle();
    }

    private static async Task<IResult> RegisterAsync(
        HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, IEnumerable<ITokenGrant> grants)
    {
        var (request, error) = await body.ReadAsync<RegistrationRequest>(http.Request);
        if (request is null) return error!;
        var (jwks, jwksError) = ClientMetadataRules.ReadJwks(request.Jwks);
        if (jwksError is not null) return new OAuthErrorResult(jwksError);
        var (metadata, invalid) = ClientMetadataRules.Check(request.ClientName, request.ApplicationType, request.TokenEndpointAuthMethod,
            request.GrantTypes, jwks, Supported(grants));
        if (metadata is null) return new OAuthErrorResult(invalid!);

        var now = clock.GetUtcNow();
        var secret = metadata.UsesSecret ? Secrets.NewHandle(32) : null;
        var app = new Application
        {
            ClientId = Secrets.NewId("0oa"),
            Name = metadata.Name,
            ApplicationType = metadata.ApplicationType,
            TokenEndpointAuthMethod = metadata.AuthMethod,
            GrantTypes = string.Join(' ', metadata.GrantTypes),
            ClientSecretHash = secret is null ? null : Secrets.Hash(secret),
            Jwks = metadata.Jwks,
            Created = now,
            LastUpdated = now,
        };
        db.Add(app);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(EventTypes.AppCreated, "Register OAuth client", app), http.RequestAborted);
        return new JsonBodyResult(Represent(app, secret), 201);
    }

    private static async Task<IResult> UpdateAsync(
        string clientId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, IEnumerable<ITokenGrant> grants,
        ApplicationCache clients)
    {
        var ct = http.RequestAborted;
        var app = await FindAsync(db, clientId, ct);
        if (app is null) return NotFound(clientId);
        var (request, error) = await body.ReadAsync<RegistrationRequest>(http.Request);
        if (request is null) return error!;
        if (request.ClientId is not null && request.ClientId != app.ClientId)
            return new OAuthErrorResult(OAuthError.InvalidRequest("The client_id in the body does not match the client being updated."));
        var (jwks, jwksError) = ClientMetadataRules.ReadJwks(request.Jwks);
        if (jwksError is not null) return new OAuthErrorResult(jwksError);

        // Members left out keep their values, so an admin can rename an app without restating its grants.
        var (metadata, invalid) = ClientMetadataRules.Check(
            request.ClientName ?? app.Name,
            request.ApplicationType ?? app.ApplicationType,
            request.TokenEndpointAuthMethod ?? app.TokenEndpointAuthMethod,
            request.GrantTypes ?? app.GrantTypeList.ToList(),
            jwks ?? app.Jwks,
            Supported(grants));
        if (metadata is null) return new OAuthErrorResult(invalid!);

        string? secret = null;
        if (metadata.UsesSecret && app.ClientSecretHash is null)
        {
            secret = Secrets.NewHandle(32);
            app.ClientSecretHash = Secrets.Hash(secret);
        }
        else if (!metadata.UsesSecret) app.ClientSecretHash = null;

        var changed = new List<string>();
        if (app.Name != metadata.Name) changed.Add("client_name");
        if (app.ApplicationType != metadata.ApplicationType) changed.Add("application_type");
        if (app.TokenEndpointAuthMethod != metadata.AuthMethod) changed.Add("token_endpoint_auth_method");
        if (app.GrantTypes != string.Join(' ', metadata.GrantTypes)) changed.Add("grant_types");
        if (app.Jwks != metadata.Jwks) changed.Add("jwks");
        app.Name = metadata.Name;
        app.ApplicationType = metadata.ApplicationType;
        app.TokenEndpointAuthMethod = metadata.AuthMethod;
        app.GrantTypes = string.Join(' ', metadata.GrantTypes);
        app.Jwks = metadata.Jwks;
        app.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        clients.Forget();
        await audit.RecordAsync(Audit(EventTypes.AppUpdated, "Update OAuth client", app) with
        {
            Details = new Dictionary<string, string> { ["changed"] = string.Join(' ', changed), ["newSecret"] = secret is null ? "false" : "true" },
        }, ct);
        return new JsonBodyResult(Represent(app, secret));
    }

    private static async Task<IResult> GetAsync(string clientId, HttpContext http, DirectAuthDb db)
    {
        var app = clientId.Length > 200 ? null : await db.Set<Application>().AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, http.RequestAborted);
        return app is null ? NotFound(clientId) : new JsonBodyResult(Represent(app, null));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db)
    {
        var apps = await db.Set<Application>().AsNoTracking().OrderBy(a => a.Created).ThenBy(a => a.ClientId).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(apps.Select(a => Represent(a, null)).ToList());
    }

    private static async Task<IResult> DeleteAsync(string clientId, HttpContext http, DirectAuthDb db, AuditLog audit, ApplicationCache clients)
    {
        var app = await FindAsync(db, clientId, http.RequestAborted);
        if (app is null) return NotFound(clientId);
        await db.Set<Tokens.RefreshToken>().Where(t => t.ClientId == clientId).ExecuteDeleteAsync(http.RequestAborted);
        db.Remove(app);
        await db.SaveChangesAsync(http.RequestAborted);
        clients.Forget();
        await audit.RecordAsync(Audit(EventTypes.AppDeleted, "Delete OAuth client", app), http.RequestAborted);
        return Results.NoContent();
    }

    public static Dictionary<string, object?> Represent(Application app, string? secret)
    {
        var body = new Dictionary<string, object?>
        {
            ["client_id"] = app.ClientId,
            ["client_id_issued_at"] = app.Created.ToUnixTimeSeconds(),
            ["client_name"] = app.Name,
            ["application_type"] = app.ApplicationType,
            ["grant_types"] = app.GrantTypeList,
            ["token_endpoint_auth_method"] = app.TokenEndpointAuthMethod,
            ["status"] = app.Status,
        };
        if (secret is not null)
        {
            body["client_secret"] = secret;
            body["client_secret_expires_at"] = 0;
        }
        if (app.Jwks is not null) body["jwks"] = JsonDocument.Parse(app.Jwks).RootElement;
        return body;
    }

    public static async Task<Application?> FindAsync(DirectAuthDb db, string clientId, CancellationToken ct) =>
        clientId.Length > 200 ? null : await db.Set<Application>().FirstOrDefaultAsync(a => a.ClientId == clientId, ct);

    public static OktaErrorResult NotFound(string clientId) => Validation.NotFound($"{AuthorizationServersApi.Shorten(clientId)} (App)");

    public static AuditEntry Audit(string eventType, string message, Application app) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = app.ClientId, TargetType = "AppInstance", TargetAlternateId = app.Name,
    };

    private static HashSet<string> Supported(IEnumerable<ITokenGrant> grants) => grants.Select(g => g.GrantType).ToHashSet(StringComparer.Ordinal);
}
