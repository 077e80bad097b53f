using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DirectAuth.Server.Storage;

/// <summary>
/// Brings a database to the newest schema by running, in order, the versioned scripts
/// <c>Schema/{provider}/NNN_name.sql</c> it has not run yet, each in its own transaction, and recording
/// them in <c>schema_versions</c>. A database made by an older DirectAuth upgrades on start.
/// On PostgreSQL an advisory lock makes concurrent starts of several instances take turns.
/// </summary>
public sealed partial class SchemaMigrator(StorageSettings storage, ILogger<SchemaMigrator> logger)
{
    private const long AdvisoryLockKey = 0x44697241757468; // "DirAuth"

    public sealed record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> Scripts(StorageProvider provider)
    {
        var folder = provider == StorageProvider.Sqlite ? "sqlite" : "postgres";
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"schema/{folder}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..];
                var match = ScriptName().Match(file);
                if (!match.Success) throw new InvalidOperationException($"Schema script '{file}' is not named NNN_name.sql.");
                return new Script(int.Parse(match.Groups[1].Value), match.Groups[2].Value, Read(assembly, n));
            })
            .OrderBy(s => s.Version)
            .ToList();
    }

    public static int LatestVersion(StorageProvider provider) => Scripts(provider)[^1].Version;

    /// <summary>Runs pending scripts, then <paramref name="whileLocked"/> (first-start seeding) before releasing the lock.</summary>
    public async Task MigrateAsync(DbConnection connection, Func<Task> whileLocked, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        if (storage.Provider == StorageProvider.Postgres) await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", ct);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_versions (
                    version integer NOT NULL PRIMARY KEY,
                    name text NOT NULL,
                    applied_at text NOT NULL)
                """, ct);
            var applied = await AppliedVersionsAsync(connection, ct);
            var pending = Scripts(storage.Provider).Where(s => !applied.Contains(s.Version)).ToList();
            foreach (var script in pending)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, script.Sql, ct);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = "INSERT INTO schema_versions (version, name, applied_at) VALUES (@v, @n, @t)";
                    AddParameter(record, "@v", script.Version);
                    AddParameter(record, "@n", script.Name);
                    AddParameter(record, "@t", DateTimeOffset.UtcNow.ToString("O"));
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied schema version {Version} ({Name})", script.Version, script.Name);
            }
            await whileLocked();
        }
        finally
        {
            if (storage.Provider == StorageProvider.Postgres) await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    public static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken ct)
    {
        var versions = new HashSet<int>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version FROM schema_versions";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) versions.Add(Convert.ToInt32(reader.GetValue(0)));
        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{3})_([a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();
}
