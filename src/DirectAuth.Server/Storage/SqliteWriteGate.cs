using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DirectAuth.Server.Storage;

/// <summary>
/// SQLite lets one connection write at a time; the others get SQLITE_BUSY, which the driver answers by
/// sleeping and retrying — under concurrent sign-ins that turns milliseconds into seconds. This gate makes
/// the writers of this process queue instead (asynchronously, first come first served): a transaction holds
/// it from BEGIN to COMMIT/ROLLBACK, a write outside a transaction for the statement. Reads never wait (WAL).
/// Every way a write can end gives the gate back: commit, rollback, a failed or cancelled statement, a BEGIN
/// that fails or is cancelled after the gate was given, the connection closed or disposed. Under those, a
/// waiter checks every <see cref="StaleCheck"/> whether the holder's write has ended unreported (connection
/// closed, or SQLite out of the holder's transaction) and takes the gate back. If a live holder keeps it past
/// <see cref="MaxWait"/> the write goes ahead anyway and SQLite's own locking decides: never a deadlock.
/// </summary>
public sealed class SqliteWriteGate(ILogger<SqliteWriteGate> logger, IWriteGateMetrics? metrics = null) : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StaleCheck = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = new();
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> _transactions = new();

    /// <summary>True when no writer holds the gate (for diagnostics and tests).</summary>
    public bool IsFree => _gate.CurrentCount == 1;

    /// <summary>How often a waiter had to take the gate back from a holder whose end went unreported.</summary>
    public long TakenBack => Interlocked.Read(ref _takenBack);

    private long _takenBack;

    private sealed class Holder
    {
        public int Held; // 1 while this connection holds the gate; exchanged atomically so it is released once
        public bool InTransaction; // set once BEGIN has run
        public long Since; // when the gate was taken (Stopwatch timestamp)
        public long Waiting; // when the writer began to wait for it
    }

    private (DbConnection Connection, Holder Holder)? _owner;

    // The gate is taken before BEGIN, and BEGIN is run here so that a BEGIN that fails or is cancelled after
    // the gate was given (EF reports neither to an interceptor) gives it back.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult) return result;
        await AcquireAsync(connection, cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken);
            MarkInTransaction(connection, transaction);
            return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
        }
        catch
        {
            Release(connection);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (result.HasResult) return result;
        Acquire(connection);
        try
        {
            var transaction = connection.BeginTransaction(eventData.IsolationLevel);
            MarkInTransaction(connection, transaction);
            return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
        }
        catch
        {
            Release(connection);
            throw;
        }
    }

    // A finished SqliteTransaction no longer knows its connection (Connection is null after COMMIT or
    // ROLLBACK), so the gate remembers which connection each transaction it began belongs to.
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(ConnectionOf(transaction));
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction));
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(ConnectionOf(transaction));
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction));
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) => Released(ConnectionOf(transaction));
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(ConnectionOf(transaction));

    private DbConnection? ConnectionOf(DbTransaction transaction) =>
        transaction.Connection ?? (_transactions.TryGetValue(transaction, out var connection) ? connection : null);

    // A transaction disposed without commit or rollback ends when EF closes (or disposes) its connection.
    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Released(connection);
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

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

    // A cancelled command is reported here, not to CommandFailed.
    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Release(command.Connection);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
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
        if (holder.Held == 1) return;
        holder.Waiting = Stopwatch.GetTimestamp();
        for (var waited = TimeSpan.Zero; !await _gate.WaitAsync(StaleCheck, ct); waited += StaleCheck)
            if (!ReclaimedFromStaleOwner() && waited >= MaxWait) { WarnWritingWithout(); return; }
        Take(connection, holder);
    }

    private void Acquire(DbConnection connection)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Held == 1) return;
        holder.Waiting = Stopwatch.GetTimestamp();
        for (var waited = TimeSpan.Zero; !_gate.Wait(StaleCheck); waited += StaleCheck)
            if (!ReclaimedFromStaleOwner() && waited >= MaxWait) { WarnWritingWithout(); return; }
        Take(connection, holder);
    }

    private void Take(DbConnection connection, Holder holder)
    {
        holder.Held = 1;
        holder.Since = Stopwatch.GetTimestamp();
        metrics?.WriteGateWaited(Stopwatch.GetElapsedTime(holder.Waiting, holder.Since));
        _owner = (connection, holder);
    }

    private void WarnWritingWithout() =>
        logger.LogError("SQLite write gate not free after {Seconds} s and its holder is still writing; writing without it", MaxWait.TotalSeconds);

    /// <summary>
    /// The safety net under the events above: if the gate's holder is closed, or held it for a transaction
    /// that SQLite says has ended, nothing will give the gate back, so the waiter takes it back.
    /// </summary>
    private bool ReclaimedFromStaleOwner()
    {
        if (_owner is not var (connection, holder) || holder.Held == 0 || !IsStale(connection, holder)) return false;
        logger.LogWarning("SQLite write gate taken back after {Ms} ms from a connection whose write had ended unreported ({State}, {What})",
            (long)Stopwatch.GetElapsedTime(holder.Since).TotalMilliseconds, connection.State, holder.InTransaction ? "transaction ended" : "autocommit write");
        Release(connection);
        Interlocked.Increment(ref _takenBack);
        return true;
    }

    private static bool IsStale(DbConnection connection, Holder holder)
    {
        try
        {
            if (connection.State != System.Data.ConnectionState.Open) return true;
            return holder.InTransaction && connection is SqliteConnection { Handle: { } handle } && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private void MarkInTransaction(DbConnection connection, DbTransaction transaction)
    {
        _transactions.AddOrUpdate(transaction, connection);
        if (_holders.TryGetValue(connection, out var holder) && holder.Held == 1) holder.InTransaction = true;
    }

    private Task Released(DbConnection? connection)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    private void Release(DbConnection? connection)
    {
        if (connection is null || !_holders.TryGetValue(connection, out var holder)) return;
        holder.InTransaction = false;
        if (Interlocked.Exchange(ref holder.Held, 0) == 1) _gate.Release();
    }
}
