using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin backup --to DIR [--data-dir data]</c>: a consistent copy of a SQLite deployment while the server
/// runs — the database through SQLite's online backup API, checked, and the <c>master.key</c> file when there is one.
/// Works on the files, not through the management API: it runs where the data directory is. PostgreSQL: pg_dump
/// (docs/operations.md).
/// </summary>
public static class BackupCommand
{
    public static readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "The server's Storage:DataDirectory (env DIRECTAUTH_STORAGE__DATADIRECTORY)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DIRECTAUTH_STORAGE__DATADIRECTORY") is { Length: > 0 } d ? d : "data",
    };

    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "A new or empty directory to write the backup to", Required = true };
        var command = new Command("backup", "Copy a SQLite deployment (database and master key file) while the server runs.") { DataDir, to };
        command.SetAction(result => Run(() =>
        {
            var dataDir = result.GetValue(DataDir)!;
            var target = result.GetValue(to)!;
            var database = Path.Combine(dataDir, SqliteBackupFiles.Database);
            if (!File.Exists(database)) throw new UsageException($"No {SqliteBackupFiles.Database} in {Path.GetFullPath(dataDir)}; pass the server's data directory with --data-dir.");
            SqliteBackupFiles.PrepareEmpty(target, "back up");
            var copy = Path.Combine(target, SqliteBackupFiles.Database);
            SqliteBackupFiles.Copy(database, copy);
            var (integrity, schema) = SqliteBackupFiles.Check(copy);
            if (integrity != "ok") throw new UsageException($"The copy in {copy} failed SQLite's integrity check: {integrity}");
            Console.Out.WriteLine($"Backed up {database} to {copy} (schema version {schema}, {new FileInfo(copy).Length} bytes, integrity ok).");

            var key = Path.Combine(dataDir, SqliteBackupFiles.MasterKey);
            if (File.Exists(key))
            {
                SqliteBackupFiles.CopyKey(key, Path.Combine(target, SqliteBackupFiles.MasterKey));
                Console.Out.WriteLine($"Copied {key} (mode 0600). The backup holds the key that opens its secrets: store it like the key itself.");
            }
            else
                Console.Out.WriteLine($"No {SqliteBackupFiles.MasterKey} in {dataDir}: the master key is in configuration (Security:MasterKey). " +
                    "Keep it with this backup; without it the TOTP seeds, signing keys and phone numbers in the backup cannot be opened.");
        }));
        return command;
    }

    /// <summary>0 done; 1 refused (nothing, or only a new empty target, left behind), the reason on stderr.</summary>
    internal static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return AdminAction.Refused;
        }
    }
}
