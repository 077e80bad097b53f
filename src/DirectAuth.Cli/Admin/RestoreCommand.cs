using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin restore --from BACKUP --data-dir NEWDIR</c>: puts a backup made by <c>admin backup</c> into an
/// empty data directory (checked first), which a stopped or new server is then started on. Never overwrites.
/// </summary>
public static class RestoreCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The directory 'directauth admin backup --to' wrote", Required = true };
        var command = new Command("restore", "Restore a backup into an empty data directory (start the server on it afterwards).") { from, BackupCommand.DataDir };
        command.SetAction(result => BackupCommand.Run(() =>
        {
            var source = result.GetValue(from)!;
            var dataDir = result.GetValue(BackupCommand.DataDir)!;
            var database = Path.Combine(source, SqliteBackupFiles.Database);
            if (!File.Exists(database)) throw new UsageException($"No {SqliteBackupFiles.Database} in {Path.GetFullPath(source)}: not a backup made by 'directauth admin backup'.");
            var (integrity, schema) = SqliteBackupFiles.Check(database);
            if (integrity != "ok") throw new UsageException($"{database} failed SQLite's integrity check: {integrity}; nothing was restored.");
            SqliteBackupFiles.PrepareEmpty(dataDir, "restore");
            SqliteBackupFiles.Copy(database, Path.Combine(dataDir, SqliteBackupFiles.Database));
            var key = Path.Combine(source, SqliteBackupFiles.MasterKey);
            if (File.Exists(key)) SqliteBackupFiles.CopyKey(key, Path.Combine(dataDir, SqliteBackupFiles.MasterKey));
            Console.Out.WriteLine($"Restored {database} (schema version {schema}) into {Path.GetFullPath(dataDir)}" +
                (File.Exists(key) ? " with its master.key." : "; the backup has no master.key: start the server with the same Security:MasterKey as before."));
            Console.Out.WriteLine($"Start the server with Storage:DataDirectory={dataDir} (a newer DirectAuth upgrades the schema on start).");
        }));
        return command;
    }
}
