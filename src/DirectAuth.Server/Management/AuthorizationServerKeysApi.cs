using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// An authorization server's signing keys: <c>GET .../credentials/keys</c> lists the published keys
/// (ACTIVE signs, NEXT is published and signs after the next rotation, EXPIRED was retired and stays
/// published until its tokens have expired) and <c>POST .../credentials/lifecycle/keyRotate</c> rotates.
/// </summary>
public static class AuthorizationServerKeysApi
{
    public static void MapAuthorizationServerKeys(this RouteGroupBuilder servers)
    {
        servers.MapGet("/{serverId}/credentials/keys", ListAsync).WithSummary("List the signing keys (public JWKs with status ACTIVE, NEXT or EXPIRED)");
        servers.MapPost("/{serverId}/credentials/lifecycle/keyRotate", RotateAsync)
            .WithSummary("Rotate the signing key: NEXT starts signing, ACTIVE stays published as EXPIRED, a new NEXT is published; answers the published keys");
    }

    private static async Task<IResult> ListAsync(string serverId, HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        var server = await AuthorizationServersApi.FindAsync(db, serverId, http.RequestAborted);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        return new JsonBodyResult(await PublishedAsync(db, server.Id, clock.GetUtcNow(), http.RequestAborted));
    }

    /// <summary>The published keys: ACTIVE first, then NEXT, then the EXPIRED ones still published, newest first.</summary>
    private static async Task<List<Dictionary<string, object?>>> PublishedAsync(DirectAuthDb db, string serverId, DateTimeOffset now, CancellationToken ct) =>
        (await db.Set<SigningKey>().AsNoTracking().Where(k => k.ServerId == serverId).ToListAsync(ct))
            .Where(k => k.Status != KeyStatus.Retired || k.PublishedUntil > now)
            .OrderBy(k => k.Status switch { KeyStatus.Active => 0, KeyStatus.Next => 1, _ => 2 })
            .ThenByDescending(k => k.Created)
            .Select(Represent)
            .ToList();

    private static async Task<IResult> RotateAsync(
        string serverId, HttpContext http, DirectAuthDb db, SigningKeyService keys, AuditLog audit, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var server = await AuthorizationServersApi.FindAsync(db, serverId, ct);
        if (server is null) return AuthorizationServersApi.NotFound(serverId);
        var previous = await db.Set<SigningKey>().AsNoTracking()
            .Where(k => k.ServerId == server.Id && k.Status == KeyStatus.Active).Select(k => k.Kid).FirstOrDefaultAsync(ct);
        var active = await keys.RotateAsync(db, server.Id, server.SigningAlg, ct);
        await audit.RecordAsync(AuthorizationServersApi.Audit(EventTypes.KeyRotated, "Rotate authorization server signing key", server) with
        {
            Details = new Dictionary<string, string> { ["previousKid"] = previous ?? "", ["activeKid"] = active.Kid, ["alg"] = active.Alg },
        }, ct);
        // Okta answers the list of keys after the rotation (ACTIVE first), not the one key.
        return new JsonBodyResult(await PublishedAsync(db, server.Id, clock.GetUtcNow(), ct));
    }

    /// <summary>The public JWK with Okta's key fields; RETIRED is shown as Okta's EXPIRED.</summary>
    public static Dictionary<string, object?> Represent(SigningKey key)
    {
        var body = new Dictionary<string, object?>();
        using (var jwk = JsonDocument.Parse(key.PublicJwk))
            foreach (var property in jwk.RootElement.EnumerateObject()) body[property.Name] = property.Value.GetString();
        body["status"] = key.Status == KeyStatus.Retired ? "EXPIRED" : key.Status;
        body["created"] = key.Created;
        body["activated"] = key.Activated;
        body["publishedUntil"] = key.PublishedUntil;
        return body;
    }
}
