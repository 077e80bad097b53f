using Microsoft.Data.Sqlite;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// The files of a SQLite deployment (docs/operations.md "Backup and restore"): <c>directauth.db</c> and, when the
/// master key is not in configuration, <c>master.key</c> beside it. A copy is made with SQLite's online backup API,
/// so the server may keep running and writing; the copy is checked with <c>PRAGMA integrity_check</c>.
/// </summary>
public static class SqliteBackupFiles
{
    public const string Database = "directauth.db";
    public const string MasterKey = "master.key";

    /// <summary>Copies the database at <paramref name="from"/> to the new file <paramref name="to"/> (online, consistent; owner only).</summary>
    public static void Copy(string from, string to)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = to, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        source.Open();
        target.Open();
        source.BackupDatabase(target);
        using var journal = target.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode=DELETE"; // one self-contained file, no -wal beside it
        journal.ExecuteNonQuery();
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite); // password hashes, sealed secrets
    }

    /// <summary>"ok", or what SQLite found wrong; and the newest schema version applied, for the summary.</summary>
    public static (string Integrity, long SchemaVersion) Check(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var integrity = connection.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        var result = Convert.ToString(integrity.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        using var version = connection.CreateCommand();
        version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_versions";
        long schema;
        try { schema = Convert.ToInt64(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture); }
        catch (SqliteException) { throw new UsageException($"{path} is not a DirectAuth database (no schema_versions table)."); }
        return (result, schema);
    }

    /// <summary>Copies the master key file, readable by its owner only.</summary>
    public static void CopyKey(string from, string to)
    {
        File.Copy(from, to);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Creates <paramref name="directory"/> (owner only) and refuses one that already holds a database.</summary>
    public static void PrepareEmpty(string directory, string what)
    {
        if (File.Exists(Path.Combine(directory, Database)) || File.Exists(Path.Combine(directory, MasterKey)))
            throw new UsageException($"{directory} already holds a {Database} or {MasterKey}; {what} into an empty directory (nothing was changed).");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
