using Microsoft.Data.Sqlite;
using Npgsql;

namespace DirectAuth.Server.Http;

/// <summary>
/// Tells a database that cannot be reached (stopped, unreachable, out of connections, its file unreadable)
/// from a bug, and keeps the log to one line per outage instead of a stack trace per request. The outage
/// ends at the first request that succeeds after <see cref="RetryAfterSeconds"/> without a storage failure;
/// nothing needs restarting: every request opens its connection anew.
/// </summary>
public sealed class StorageOutage(TimeProvider clock, ILogger logger)
{
    /// <summary>The <c>Retry-After</c> of the 503 answered while the database is gone.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _lastFailure;
    private long _refused;

    /// <summary>Whether the exception says the database is unavailable, rather than a bug or a refused statement.</summary>
    public static bool IsUnavailable(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.IsTransient || pg.SqlState is "3D000" // the database does not exist (dropped, renamed)
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal)  // connection exception
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal)  // insufficient resources
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) // shutting down, cannot connect now
                        || pg.SqlState.StartsWith("58", StringComparison.Ordinal); // system error (I/O)
                case NpgsqlException:
                    return true; // no answer from the server: refused, reset, timed out, pool exhausted
                case SqliteException sqlite:
                    return (sqlite.SqliteErrorCode & 0xFF) is 3 /* PERM */ or 5 /* BUSY */ or 6 /* LOCKED */ or 8 /* READONLY */
                        or 10 /* IOERR */ or 11 /* CORRUPT */ or 13 /* FULL */ or 14 /* CANTOPEN */ or 26 /* NOTADB */;
            }
        }
        return false;
    }

    /// <summary>Counts a request refused for the outage; the first one of an outage writes the log line.</summary>
    public void Failed(Exception ex)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _lastFailure = now;
            _refused++;
            if (_since is not null) return;
            _since = now;
        }
        logger.LogError("The database is unavailable ({Reason}); answering 503 with Retry-After: {RetryAfter} until it is back.",
            ex.GetBaseException().Message, RetryAfterSeconds);
    }

    /// <summary>A request went through: ends the outage once the database has stayed quiet for a Retry-After.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _refused) == 0) return;
        var now = clock.GetUtcNow();
        DateTimeOffset since;
        long refused;
        lock (_lock)
        {
            if (_since is null || now - _lastFailure < TimeSpan.FromSeconds(RetryAfterSeconds)) return;
            since = _since.Value;
            refused = _refused;
            _since = null;
            _refused = 0;
        }
        logger.LogInformation("The database is available again after {Seconds:0} s; {Refused} requests were answered 503.", (now - since).TotalSeconds, refused);
    }
}
