using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// <c>/api/v1/authorizationServers/{id}/scopes</c>: the OIDC scopes (system, fixed) and the server's custom
/// scopes, which an admin adds and deletes. A custom scope name is an RFC 6749 scope-token.
/// </summary>
public static class AuthorizationServerScopesApi
{
    public sealed record ScopeRequest
    {
        public string? Name { get; init; }
        public string? Description { get; init; }
    }

    public const int MaxNameLength = 100;

    public static void MapAuthorizationServerScopes(this RouteGroupBuilder servers)
    {
        servers.MapGet("/{serverId}/scopes", ListAsync).WithSummary("List the scopes of an authorization server (OIDC and custom)");
        servers.MapPost("/{serverId}/scopes", CreateAsync).WithSummary("Add a custom scope").WithJsonBody<ScopeRequest>();
        servers.MapGet("/{serverId}/scopes/{name}", GetAsync).WithSummary("Get one scope (its id is its name)");
        servers.MapDelete("/{serverId}/scopes/{name}", DeleteAsync).WithSummary("Delete a custom scope");
    }

    private static async Task<IResult> GetAsync(string serverId, string name, HttpContext http, DirectAuthDb db)
    {
        var server = await AuthorizationServersApi.FindAsync(db, serverId, http.RequestAborted);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        if (ScopeRules.OidcScopes.Contains(name)) return new JsonBodyResult(Represent(name, null, system: true, null));
        var names = Names(server);
        name = Unescaped(names, name);
        if (!names.Contains(name)) return Validation.NotFound($"{AuthorizationServersApi.Shorten(name)} (OAuth2Scope)");
        var described = await db.Set<CustomScope>().AsNoTracking().FirstOrDefaultAsync(s => s.ServerId == server.Id && s.Name == name, http.RequestAborted);
        return new JsonBodyResult(Represent(name, described?.Description, system: false, described?.Created));
    }

    /// <summary>The server leaves an encoded slash (%2F) in a path segment as it is; a scope name may contain '/'.</summary>
    private static string Unescaped(List<string> names, string name) =>
        !names.Contains(name) && name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase) is var unescaped && names.Contains(unescaped) ? unescaped : name;

    private static async Task<IResult> ListAsync(string serverId, HttpContext http, DirectAuthDb db)
    {
        var server = await AuthorizationServersApi.FindAsync(db, serverId, http.RequestAborted);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        var described = await db.Set<CustomScope>().AsNoTracking().Where(s => s.ServerId == server.Id).ToListAsync(http.RequestAborted);
        var list = ScopeRules.OidcScopes.Select(name => Represent(name, null, system: true, null))
            .Concat(Names(server).Select(name => described.FirstOrDefault(d => d.Name == name) is { } d
                ? Represent(d.Name, d.Description, system: false, d.Created)
                : Represent(name, null, system: false, null)))
            .ToList();
        return new JsonBodyResult(list);
    }

    private static async Task<IResult> CreateAsync(
        string serverId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var server = serverId.Length > 64 ? null : await db.Set<AuthorizationServer>().FirstOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        var (request, error) = await body.ReadAsync<ScopeRequest>(http.Request);
        if (request is null) return error!;

        var name = request.Name ?? "";
        if (NameProblem(name) is { } problem) return Validation.Failed("name", "name: " + problem);
        if (ScopeRules.OidcScopes.Contains(name)) return Validation.Failed("name", $"name: '{name}' is an OpenID Connect scope and is always available");
        var names = Names(server);
        if (names.Contains(name)) return Validation.Failed("name", "name: A scope with this name already exists on the authorization server");
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description is { Length: > 1000 }) return Validation.Failed("description", "description: The field is too long (at most 1000 characters)");

        var now = clock.GetUtcNow();
        var scope = new CustomScope { Id = Secrets.NewId("scp"), ServerId = server.Id, Name = name, Description = description, Created = now };
        await db.Set<CustomScope>().Where(s => s.ServerId == server.Id && s.Name == name).ExecuteDeleteAsync(ct);
        db.Add(scope);
        server.CustomScopes = string.Join(' ', names.Append(name));
        server.LastUpdated = now;
        await db.SaveChangesAsync(ct);
        directory.Forget(server.Id);
        await audit.RecordAsync(AuthorizationServersApi.Audit(EventTypes.AuthServerUpdated, "Add custom scope to authorization server", server) with
        {
            Details = new Dictionary<string, string> { ["scope"] = name, ["change"] = "scope.add" },
        }, ct);
        return new JsonBodyResult(Represent(scope.Name, scope.Description, system: false, scope.Created), 201);
    }

    private static async Task<IResult> DeleteAsync(
        string serverId, string name, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var server = serverId.Length > 64 ? null : await db.Set<AuthorizationServer>().FirstOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        if (ScopeRules.OidcScopes.Contains(name))
            return Validation.Failed("name", $"name: '{name}' is an OpenID Connect scope and cannot be deleted");
        var names = Names(server);
        name = Unescaped(names, name);
        if (!names.Contains(name)) return Validation.NotFound($"{AuthorizationServersApi.Shorten(name)} (OAuth2Scope)");

        server.CustomScopes = string.Join(' ', names.Where(n => n != name));
        server.LastUpdated = clock.GetUtcNow();
        await db.Set<CustomScope>().Where(s => s.ServerId == server.Id && s.Name == name).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        directory.Forget(server.Id);
        await audit.RecordAsync(AuthorizationServersApi.Audit(EventTypes.AuthServerUpdated, "Delete custom scope from authorization server", server) with
        {
            Details = new Dictionary<string, string> { ["scope"] = name, ["change"] = "scope.delete" },
        }, ct);
        return Results.NoContent();
    }

    /// <summary>Null when <paramref name="name"/> is a valid scope-token (RFC 6749 section 3.3), otherwise why not.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "The field cannot be left blank";
        if (name.Length > MaxNameLength) return $"The field is too long (at most {MaxNameLength} characters)";
        if (name.Any(c => c is < '!' or > '~' or '"' or '\\'))
            return "A scope name is printable ASCII without spaces, quotes or backslashes";
        return null;
    }

    private static List<string> Names(AuthorizationServer server) =>
        server.CustomScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static Dictionary<string, object?> Represent(string name, string? description, bool system, DateTimeOffset? created) => new()
    {
        ["id"] = name,
        ["name"] = name,
        ["description"] = description,
        ["system"] = system,
        ["metadataPublish"] = "ALL_CLIENTS",
        ["consent"] = "IMPLICIT",
        ["default"] = false,
        ["created"] = created,
    };
}
