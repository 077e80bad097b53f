using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DirectAuth.Server.Storage;

/// <summary>
/// Per-connection SQLite settings. <c>busy_timeout</c> lets SQLite itself wait for a concurrent writer in
/// short steps instead of failing with SQLITE_BUSY (which the driver retries with long sleeps);
/// <c>synchronous=NORMAL</c> is the setting meant for WAL mode: a crash of the process loses nothing, a
/// power loss may lose the last commits but never corrupts the database.
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private static readonly Lazy<int> ProcessSettings = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    });

    /// <summary>
    /// Turns off SQLite's memory statistics for the process, before the first connection opens (afterwards
    /// SQLite refuses, and the setting stays as it was). With them on, every allocation SQLite makes, on any
    /// connection, takes one process-wide mutex; nothing here reads those statistics.
    /// </summary>
    public static void ConfigureProcess() => _ = ProcessSettings.Value;

    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
