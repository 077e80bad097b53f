using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Groups;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Hosting;

/// <summary>
/// On start: upgrades the schema, creates the org and <c>default</c> authorization servers with their
/// signing keys on a new database, and re-seals secrets after a master key rotation. Runs under the
/// migration lock, so several instances starting at once do it once.
/// </summary>
public sealed class DatabaseInitializer(
    DirectAuthDb db, SchemaMigrator migrator, SigningKeyService keys, TimeProvider clock, StorageSettings storage,
    IEnumerable<ISecretResealer> resealers, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (storage.Provider == StorageProvider.Sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await migrator.MigrateAsync(connection, () => SeedAsync(ct), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var servers = db.Set<AuthorizationServer>();
        if (!await servers.AnyAsync(s => s.Id == AuthorizationServer.OrgId, ct))
        {
            servers.Add(new AuthorizationServer { Id = AuthorizationServer.OrgId, Name = "Org Authorization Server", Created = now, LastUpdated = now,
                Description = "The org authorization server (/oauth2/v1)." });
            logger.LogInformation("Created the org authorization server");
        }
        if (!await servers.AnyAsync(s => s.Id == AuthorizationServer.DefaultId, ct))
        {
            servers.Add(new AuthorizationServer { Id = AuthorizationServer.DefaultId, Name = "default", Audience = "api://default", Created = now, LastUpdated = now,
                Description = "Default custom authorization server (/oauth2/default)." });
            logger.LogInformation("Created the default authorization server");
        }
        if (!await db.Set<Group>().AnyAsync(g => g.Id == Group.EveryoneId, ct))
        {
            db.Add(new Group { Id = Group.EveryoneId, Name = Group.EveryoneName, NormalizedName = Group.Normalize(Group.EveryoneName), Type = Group.BuiltIn,
                Description = "All users in your organization", Created = now, LastUpdated = now });
            logger.LogInformation("Created the Everyone group");
        }
        await db.SaveChangesAsync(ct);
        foreach (var server in await servers.AsNoTracking().ToListAsync(ct))
            await keys.EnsureKeysAsync(db, server.Id, server.SigningAlg, ct);

        var resealed = await keys.ResealAsync(db, ct);
        foreach (var resealer in resealers) resealed += await resealer.ResealAsync(db, ct);
        if (resealed > 0) logger.LogInformation("Re-sealed {Count} secrets under the current master key", resealed);
    }
}
