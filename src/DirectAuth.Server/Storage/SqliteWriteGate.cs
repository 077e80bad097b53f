using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DirectAuth.Server.Storage;

/// <summary>
/// SQLite lets one connection write at a time; the others get SQLITE_BUSY, which the driver answers by
/// sleeping and retrying — under concurrent sign-ins that turns milliseconds into seconds. This gate makes
/// the writers of this process queue instead (asynchronously, first come first served): a transaction holds
/// it from BEGIN to COMMIT/ROLLBACK, a write outside a transaction for the statement. Reads never wait (WAL).
/// If the gate is not free within <see cref="MaxWait"/> the write goes ahead anyway and SQLite's own
/// locking decides, so a mistake here can slow a request down but never deadlock it.
/// </summary>
public sealed class SqliteWriteGate(ILogger<SqliteWriteGate> logger) : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = new();

    private sealed class Holder
    {
        public bool Held;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Acquire(connection);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(transaction.Connection);
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(transaction.Connection);
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(transaction.Connection);
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(transaction.Connection);
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) => Released(transaction.Connection);
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(transaction.Connection);

    // A transaction disposed without commit or rollback ends when EF closes its connection.
    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Released(connection);
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsAutocommitWrite(command)) await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsAutocommitWrite(command)) Acquire(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (IsAutocommitWrite(command)) await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsAutocommitWrite(command)) Acquire(command.Connection!);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Release(command.Connection);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null) Release(command.Connection);
        return result;
    }

    // A statement run through a reader executes while the reader is read; it is done when the reader is closed.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Release(command.Connection);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Release(command.Connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Release(command.Connection);
        return result;
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Release(command.Connection);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (command.Transaction is null) Release(command.Connection);
    }

    private static bool IsAutocommitWrite(DbCommand command)
    {
        if (command.Transaction is not null || command.Connection is null) return false;
        var sql = command.CommandText.AsSpan().TrimStart();
        return sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    private async Task AcquireAsync(DbConnection connection, CancellationToken ct)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Held) return;
        if (await _gate.WaitAsync(MaxWait, ct)) holder.Held = true;
        else logger.LogWarning("SQLite write gate not free after {Seconds} s; writing without it", MaxWait.TotalSeconds);
    }

    private void Acquire(DbConnection connection)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Held) return;
        if (_gate.Wait(MaxWait)) holder.Held = true;
        else logger.LogWarning("SQLite write gate not free after {Seconds} s; writing without it", MaxWait.TotalSeconds);
    }

    private Task Released(DbConnection? connection)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    private void Release(DbConnection? connection)
    {
        if (connection is null || !_holders.TryGetValue(connection, out var holder) || !holder.Held) return;
        holder.Held = false;
        _gate.Release();
    }
}
