using System.Text.Json;
using System.Text.Json.Serialization;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Management;

/// <summary>
/// RFC 7591 dynamic client registration at POST /oauth2/v1/clients (admin token required, as Okta's),
/// plus GET, list and DELETE of registered clients. A client secret is shown once, at registration.
/// </summary>
public static class ClientRegistrationApi
{
    public sealed record RegistrationRequest
    {
        [JsonPropertyName("client_name")] public string? ClientName { get; init; }
        [JsonPropertyName("application_type")] public string? ApplicationType { get; init; }
        [JsonPropertyName("grant_types")] public List<string>? GrantTypes { get; init; }
        [JsonPropertyName("token_endpoint_auth_method")] public string? TokenEndpointAuthMethod { get; init; }
        [JsonPropertyName("jwks")] public JsonElement? Jwks { get; init; }
    }

    private static readonly string[] ApplicationTypes = ["native", "web", "service", "browser"];

    public static void MapClientRegistration(this RouteGroupBuilder clients)
    {
        clients.MapPost("", RegisterAsync);
        clients.MapGet("", ListAsync);
        clients.MapGet("/{clientId}", GetAsync);
        clients.MapDelete("/{clientId}", DeleteAsync);
    }

    private static async Task<IResult> RegisterAsync(
        HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, IEnumerable<ITokenGrant> grants)
    {
        var (request, error) = await body.ReadAsync<RegistrationRequest>(http.Request);
        if (request is null) return error!;

        var name = request.ClientName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Invalid("client_name is required (at most 100 characters).");
        var type = request.ApplicationType ?? "native";
        if (!ApplicationTypes.Contains(type)) return Invalid($"application_type must be one of: {string.Join(", ", ApplicationTypes)}.");
        var method = request.TokenEndpointAuthMethod ?? (type is "native" or "browser" ? AuthMethods.None : AuthMethods.ClientSecretBasic);
        if (!AuthMethods.All.Contains(method)) return Invalid($"token_endpoint_auth_method must be one of: {string.Join(", ", AuthMethods.All)}.");
        if (type is "native" or "browser" && method != AuthMethods.None && method != AuthMethods.PrivateKeyJwt)
            return Invalid($"A {type} app cannot keep a client secret; use token_endpoint_auth_method 'none' or 'private_key_jwt'.");

        var supported = grants.Select(g => g.GrantType).ToHashSet(StringComparer.Ordinal);
        var grantTypes = (request.GrantTypes is { Count: > 0 } g ? g : [GrantTypes.Password]).Distinct(StringComparer.Ordinal).ToList();
        if (grantTypes.FirstOrDefault(x => !supported.Contains(x)) is { } unknown)
            return Invalid($"The grant type '{unknown}' is not supported. Supported: {string.Join(", ", supported)}.");
        if (grantTypes.Contains(GrantTypes.ClientCredentials) && (method == AuthMethods.None || type != "service"))
            return Invalid("The client_credentials grant is for service apps with client authentication.");

        string? jwks = null;
        if (method == AuthMethods.PrivateKeyJwt)
        {
            if (request.Jwks is not { ValueKind: JsonValueKind.Object } jwksElement) return Invalid("private_key_jwt needs 'jwks' with the client's public keys.");
            jwks = jwksElement.GetRawText();
            if (JwksProblem(jwks) is { } problem) return Invalid(problem);
        }

        var now = clock.GetUtcNow();
        var secret = method is AuthMethods.ClientSecretBasic or AuthMethods.ClientSecretPost ? Secrets.NewHandle(32) : null;
        var app = new Application
        {
            ClientId = Secrets.NewId("0oa"),
            Name = name,
            ApplicationType = type,
            TokenEndpointAuthMethod = method,
            GrantTypes = string.Join(' ', grantTypes),
            ClientSecretHash = secret is null ? null : Secrets.Hash(secret),
            Jwks = jwks,
            Created = now,
            LastUpdated = now,
        };
        db.Add(app);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(EventTypes.AppCreated, Outcomes.Success, "Register OAuth client")
        {
            ActorType = "Admin", ActorId = "admin", TargetId = app.ClientId, TargetType = "AppInstance", TargetAlternateId = app.Name,
        }, http.RequestAborted);
        return new JsonBodyResult(Represent(app, secret), 201);
    }

    private static async Task<IResult> GetAsync(string clientId, HttpContext http, DirectAuthDb db)
    {
        var app = await db.Set<Application>().AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, http.RequestAborted);
        return app is null ? Validation.NotFound($"{clientId} (App)") : new JsonBodyResult(Represent(app, null));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db)
    {
        var apps = await db.Set<Application>().AsNoTracking().OrderBy(a => a.Created).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(apps.Select(a => Represent(a, null)).ToList());
    }

    private static async Task<IResult> DeleteAsync(string clientId, HttpContext http, DirectAuthDb db, AuditLog audit)
    {
        var app = await db.Set<Application>().FirstOrDefaultAsync(a => a.ClientId == clientId, http.RequestAborted);
        if (app is null) return Validation.NotFound($"{clientId} (App)");
        await db.Set<Tokens.RefreshToken>().Where(t => t.ClientId == clientId).ExecuteDeleteAsync(http.RequestAborted);
        db.Remove(app);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(EventTypes.AppDeleted, Outcomes.Success, "Delete OAuth client")
        {
            ActorType = "Admin", ActorId = "admin", TargetId = app.ClientId, TargetType = "AppInstance", TargetAlternateId = app.Name,
        }, http.RequestAborted);
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

    private static string? JwksProblem(string jwks)
    {
        try
        {
            var set = new JsonWebKeySet(jwks);
            if (set.Keys.Count == 0) return "jwks has no keys.";
            if (set.Keys.Any(k => k.HasPrivateKey || !string.IsNullOrEmpty(k.D))) return "jwks must hold public keys only.";
            if (set.Keys.Any(k => k.Kty is not ("RSA" or "EC"))) return "jwks keys must be RSA or EC.";
            if (set.Keys.Any(k => k.Kty == "RSA" ? string.IsNullOrEmpty(k.N) || string.IsNullOrEmpty(k.E)
                    : k.Crv is not ("P-256" or "P-384" or "P-521") || string.IsNullOrEmpty(k.X) || string.IsNullOrEmpty(k.Y)))
                return "jwks keys must be complete: RSA keys need 'n' and 'e', EC keys 'crv' (P-256, P-384, P-521), 'x' and 'y'.";
            return null;
        }
        catch (ArgumentException) { return "jwks is not a valid JSON Web Key Set."; }
    }

    private static OAuthErrorResult Invalid(string description) =>
        new(new OAuthError(400, "invalid_client_metadata", description));
}
