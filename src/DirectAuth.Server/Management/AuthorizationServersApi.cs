using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Okta Authorization Servers API: <c>/api/v1/authorizationServers</c> (list, get, create, replace), with
/// DirectAuth's <c>signingAlg</c> extension (RS256 or ES256). Scopes and keys are in
/// <see cref="AuthorizationServerScopesApi"/> and <see cref="AuthorizationServerKeysApi"/>.
/// </summary>
public static class AuthorizationServersApi
{
    public sealed record ServerRequest
    {
        public string? Name { get; init; }
        public string? Description { get; init; }
        public List<string?>? Audiences { get; init; }
        /// <summary>RS256 (default) or ES256.</summary>
        public string? SigningAlg { get; init; }
    }

    public static void MapAuthorizationServersApi(this RouteGroupBuilder api)
    {
        var servers = api.MapGroup("/authorizationServers").WithTags("Authorization servers");
        servers.MapGet("", ListAsync).WithSummary("List authorization servers");
        servers.MapPost("", CreateAsync).WithSummary("Create a custom authorization server (signingAlg RS256 or ES256)")
            .WithJsonBody<ServerRequest>();
        servers.MapGet("/{serverId}", GetAsync).WithSummary("Get an authorization server");
        servers.MapPut("/{serverId}", ReplaceAsync).WithSummary("Update an authorization server (name, description, audiences, signingAlg)")
            .WithJsonBody<ServerRequest>();
        servers.MapAuthorizationServerScopes();
        servers.MapAuthorizationServerKeys();
    }

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var servers = await db.Set<AuthorizationServer>().AsNoTracking().OrderBy(s => s.Created).ThenBy(s => s.Id).ToListAsync(http.RequestAborted);
        var active = await db.Set<SigningKey>().AsNoTracking().Where(k => k.Status == KeyStatus.Active)
            .Select(k => new { k.ServerId, k.Kid }).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(servers.Select(s => Represent(s, active.FirstOrDefault(k => k.ServerId == s.Id)?.Kid, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string serverId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var server = await FindAsync(db, serverId, http.RequestAborted);
        if (server is null) return NotFound(serverId);
        return new JsonBodyResult(Represent(server, await ActiveKidAsync(db, server.Id, http.RequestAborted), directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, JsonBody body, DirectAuthDb db, SigningKeyService keys, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var (request, error) = await body.ReadAsync<ServerRequest>(http.Request);
        if (request is null) return error!;
        var (values, invalid) = await ValidateAsync(db, request, null, ct);
        if (values is null) return invalid!;

        var now = clock.GetUtcNow();
        var server = new AuthorizationServer
        {
            Id = Secrets.NewId("aus"),
            Name = values.Name,
            Description = values.Description,
            Audience = values.Audience,
            SigningAlg = values.SigningAlg ?? "RS256",
            Created = now,
            LastUpdated = now,
        };
        db.Add(server);
        await db.SaveChangesAsync(ct);
        await keys.EnsureKeysAsync(db, server.Id, server.SigningAlg, ct);
        directory.Forget(server.Id);
        await audit.RecordAsync(Audit(EventTypes.AuthServerCreated, "Create authorization server", server), ct);
        return new JsonBodyResult(Represent(server, await ActiveKidAsync(db, server.Id, ct), directory.OriginOf(http.Request)), 201);
    }

    private static async Task<IResult> ReplaceAsync(
        string serverId, HttpContext http, JsonBody body, DirectAuthDb db, SigningKeyService keys, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var server = await db.Set<AuthorizationServer>().FirstOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null) return NotFound(serverId);
        var (request, error) = await body.ReadAsync<ServerRequest>(http.Request);
        if (request is null) return error!;
        var (values, invalid) = await ValidateAsync(db, request, server, ct);
        if (values is null) return invalid!;

        var oldAlg = server.SigningAlg;
        server.Name = values.Name;
        // Absent description and signingAlg keep their values: Okta clients do not know signingAlg and
        // must not switch a server back to RS256 by replacing its name.
        if (request.Description is not null) server.Description = values.Description;
        if (!server.IsOrg) server.Audience = values.Audience;
        if (values.SigningAlg is not null) server.SigningAlg = values.SigningAlg;
        server.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (server.SigningAlg != oldAlg) await keys.EnsureKeysAsync(db, server.Id, server.SigningAlg, ct);
        directory.Forget(server.Id);

        var entry = Audit(EventTypes.AuthServerUpdated, "Update authorization server", server) with
        {
            Details = oldAlg == server.SigningAlg ? null : new Dictionary<string, string> { ["signingAlg"] = $"{oldAlg} -> {server.SigningAlg}" },
        };
        await audit.RecordAsync(entry, ct);
        return new JsonBodyResult(Represent(server, await ActiveKidAsync(db, server.Id, ct), directory.OriginOf(http.Request)));
    }

    private sealed record ValidValues(string Name, string? Description, string? Audience, string? SigningAlg);

    private static async Task<(ValidValues? Values, IResult? Error)> ValidateAsync(
        DirectAuthDb db, ServerRequest request, AuthorizationServer? existing, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return (null, Validation.Failed("name", "name: The field cannot be left blank"));
        if (name.Length > 100) return (null, Validation.Failed("name", "name: The field is too long (at most 100 characters)"));
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description is { Length: > 1000 }) return (null, Validation.Failed("description", "description: The field is too long (at most 1000 characters)"));

        string? audience = null;
        if (existing is { IsOrg: true })
        {
            if (request.Audiences is { Count: > 0 })
                return (null, Validation.Failed("audiences", "audiences: The org authorization server's audience is its issuer and cannot be changed"));
        }
        else
        {
            if (request.Audiences is not { Count: 1 } || string.IsNullOrWhiteSpace(request.Audiences[0]))
                return (null, Validation.Failed("audiences", "audiences: Exactly one audience is required"));
            audience = request.Audiences[0]!.Trim();
            if (audience.Length > 1024) return (null, Validation.Failed("audiences", "audiences: The audience is too long (at most 1024 characters)"));
        }

        if (request.SigningAlg is { } alg && !SigningKeyService.IsSupportedAlg(alg))
            return (null, Validation.Failed("signingAlg", $"signingAlg: '{Shorten(alg)}' is not supported; use RS256 or ES256"));

        var upper = name.ToUpperInvariant();
        var existingId = existing?.Id;
        if (await db.Set<AuthorizationServer>().AnyAsync(s => s.Name.ToUpper() == upper && s.Id != existingId, ct))
            return (null, Validation.Failed("name", "name: An authorization server with this name already exists"));
        return (new ValidValues(name, description, audience, request.SigningAlg), null);
    }

    public static Dictionary<string, object?> Represent(AuthorizationServer server, string? activeKid, string origin)
    {
        var issuer = server.IssuerFor(origin);
        var self = $"{origin}/api/v1/authorizationServers/{server.Id}";
        return new Dictionary<string, object?>
        {
            ["id"] = server.Id,
            ["name"] = server.Name,
            ["description"] = server.Description,
            ["audiences"] = new[] { string.IsNullOrEmpty(server.Audience) ? issuer : server.Audience },
            ["issuer"] = issuer,
            ["issuerMode"] = "ORG_URL",
            ["status"] = server.Status,
            ["signingAlg"] = server.SigningAlg,
            ["created"] = server.Created,
            ["lastUpdated"] = server.LastUpdated,
            ["credentials"] = new Dictionary<string, object?>
            {
                ["signing"] = new Dictionary<string, object?> { ["kid"] = activeKid, ["rotationMode"] = "MANUAL", ["use"] = "sig" },
            },
            ["_links"] = new Dictionary<string, object>
            {
                ["self"] = new Dictionary<string, string> { ["href"] = self },
                ["scopes"] = new Dictionary<string, string> { ["href"] = self + "/scopes" },
                ["keys"] = new Dictionary<string, string> { ["href"] = self + "/credentials/keys" },
                // An array, as Okta sends it: Okta's SDKs iterate over it.
                ["metadata"] = new[] { "openid-configuration", "oauth-authorization-server" }.Select(name => new Dictionary<string, object>
                {
                    ["name"] = name,
                    ["href"] = $"{origin}{server.BasePath}/.well-known/{name}",
                    ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["GET"] },
                }).ToArray(),
            },
        };
    }

    public static async Task<AuthorizationServer?> FindAsync(DirectAuthDb db, string serverId, CancellationToken ct) =>
        serverId.Length > 64 ? null : await db.Set<AuthorizationServer>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == serverId, ct);

    public static OktaErrorResult NotFound(string serverId) => Validation.NotFound($"{Shorten(serverId)} (AuthorizationServer)");

    public static AuditEntry Audit(string eventType, string message, AuthorizationServer server) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = server.Id, TargetType = "AuthorizationServer", TargetAlternateId = server.Name,
    };

    private static Task<string?> ActiveKidAsync(DirectAuthDb db, string serverId, CancellationToken ct) =>
        db.Set<SigningKey>().AsNoTracking().Where(k => k.ServerId == serverId && k.Status == KeyStatus.Active)
            .OrderByDescending(k => k.Activated).Select(k => k.Kid).FirstOrDefaultAsync(ct);

    internal static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;
}
