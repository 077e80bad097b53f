using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>
/// A write that fails, is cancelled, or is abandoned with its transaction still open must give the SQLite
/// write gate back: otherwise every later writer of the process waits for it (the stall of issue 18 item 0).
/// Each case ends by checking the gate is free and that another write goes through at once.
/// </summary>
/// <summary>A test of SQLite itself (the write gate, the backup of its file); skipped in the PostgreSQL pass.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute(string what = "the SQLite write gate")
    {
        if (TestDatabase.IsPostgres) Skip = $"Tests {what} (DIRECTAUTH_TEST_DB=sqlite).";
    }
}

public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private const string NoOpWrite = "DELETE FROM audit_events WHERE 1 = 0";


    private readonly ServerFixture server = new();

    public Task InitializeAsync() => server.InitializeAsync();

    public Task DisposeAsync() => server.DisposeAsync();

    private SqliteWriteGate Gate => server.Factory.Services.GetRequiredService<SqliteWriteGate>();

    private async Task AssertWritesFlowAsync()
    {
        if (!TestDatabase.IsPostgres) Assert.True(Gate.IsFree, "the SQLite write gate is still held");
        await AssertNextWriteGoesThroughAsync();
    }

    private async Task AssertNextWriteGoesThroughAsync()
    {
        await using var scope = server.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await db.Database.ExecuteSqlRawAsync(NoOpWrite, quick.Token);
    }

    [Fact]
    public async Task AutocommitWrite_Cancelled_ReleasesGate()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Database.ExecuteSqlRawAsync(NoOpWrite, new CancellationToken(canceled: true)));
        }
        await AssertWritesFlowAsync();
    }

    /// <summary>
    /// The request is cancelled in the instant between being given the gate and running its statement
    /// (what a client that hangs up under load does): the writer queues behind a transaction, the
    /// transaction commits, and the writer's token is cancelled before its continuation runs.
    /// </summary>
    [SqliteFact]
    public async Task AutocommitWrite_CancelledJustAfterGettingTheGate_ReleasesGate()
    {
        await using var holderScope = server.Factory.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        await using var writerScope = server.Factory.Services.CreateAsyncScope();
        var writer = writerScope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        await writer.Database.OpenConnectionAsync();

        var tx = await holder.Database.BeginTransactionAsync();
        using var cts = new CancellationTokenSource();
        var write = writer.Database.ExecuteSqlRawAsync(NoOpWrite, cts.Token);
        Assert.False(write.IsCompleted);
        await tx.CommitAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        await tx.DisposeAsync();
        await AssertWritesFlowAsync();
    }

    /// <summary>The same instant for a transaction: it is given the gate, and its BEGIN is cancelled.</summary>
    [SqliteFact]
    public async Task Transaction_BeginCancelledJustAfterGettingTheGate_ReleasesGate()
    {
        await using var holderScope = server.Factory.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        await using var writerScope = server.Factory.Services.CreateAsyncScope();
        var writer = writerScope.ServiceProvider.GetRequiredService<DirectAuthDb>();

        var tx = await holder.Database.BeginTransactionAsync();
        using var cts = new CancellationTokenSource();
        var begin = writer.Database.BeginTransactionAsync(cts.Token);
        Assert.False(begin.IsCompleted);
        await tx.CommitAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => begin);
        await tx.DisposeAsync();
        await AssertWritesFlowAsync();
    }

    /// <summary>A writer whose request is cancelled while it waits for the gate never gets it.</summary>
    [SqliteFact]
    public async Task Writer_CancelledWhileWaiting_ReleasesGate()
    {
        await using var holderScope = server.Factory.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        await using var writerScope = server.Factory.Services.CreateAsyncScope();
        var writer = writerScope.ServiceProvider.GetRequiredService<DirectAuthDb>();

        await using (var tx = await holder.Database.BeginTransactionAsync())
        {
            using var cts = new CancellationTokenSource();
            var begin = writer.Database.BeginTransactionAsync(cts.Token);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => begin);
            await tx.CommitAsync();
        }
        await AssertWritesFlowAsync();
    }

    /// <summary>
    /// Many concurrent sign-ins and refreshes, the write mix of a busy server: every write gives the gate back
    /// through its own end, so no waiter ever has to take it back.
    /// </summary>
    [SqliteFact]
    public async Task ConcurrentRefreshes_EveryWriteReleasesTheGateItself()
    {
        var client = await server.RegisterClientAsync();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 12).Select(async n =>
        {
            await server.CreateUserAsync($"gate{n}@example.com");
            var (status, body) = await server.PasswordGrantAsync(client.ClientId, $"gate{n}@example.com", ServerFixture.DefaultPassword);
            Assert.True(status == 200, $"sign-in: {status} {body}");
            return body.GetProperty("refresh_token").GetString()!;
        }));
        await Task.WhenAll(tokens.Select(async token =>
        {
            for (var i = 0; i < 25; i++)
            {
                var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
                    ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", token)));
                Assert.True(status == 200, $"refresh {i}: {status} {body}");
                token = body.GetProperty("refresh_token").GetString()!;
            }
        }));
        Assert.Equal(0, Gate.TakenBack);
        Assert.True(Gate.IsFree);
    }

    /// <summary>A committed transaction gives the gate back at COMMIT, not only when its connection closes.</summary>
    [SqliteFact]
    public async Task Transaction_Committed_ReleasesGateBeforeTheConnectionCloses()
    {
        await using var scope = server.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        await db.Database.OpenConnectionAsync();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlRawAsync(NoOpWrite);
            Assert.False(Gate.IsFree);
            await tx.CommitAsync();
            Assert.True(Gate.IsFree, "the gate is still held after COMMIT");
        }
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await tx.RollbackAsync();
            Assert.True(Gate.IsFree, "the gate is still held after ROLLBACK");
        }
        await AssertWritesFlowAsync();
    }

    [Fact]
    public async Task AutocommitWrite_Fails_ReleasesGate()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("INSERT INTO no_such_table VALUES (1)"));
        }
        await AssertWritesFlowAsync();
    }

    [Fact]
    public async Task Transaction_CancelledMidWrite_ReleasesGate()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            using var cts = new CancellationTokenSource();
            await using var tx = await db.Database.BeginTransactionAsync(cts.Token);
            await db.Database.ExecuteSqlRawAsync(NoOpWrite, cts.Token);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Database.ExecuteSqlRawAsync(NoOpWrite, cts.Token));
        }
        await AssertWritesFlowAsync();
    }

    [Fact]
    public async Task Transaction_ThrowsAndIsDisposedWithoutRollback_ReleasesGate()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync(NoOpWrite);
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("INSERT INTO no_such_table VALUES (1)"));
        }
        await AssertWritesFlowAsync();
    }

    /// <summary>
    /// A transaction its code never ends, on a connection its code opened: no event reports it, and when the
    /// pooled context is reset SQLite ends the transaction. The next writer finds the holder's transaction
    /// gone and takes the gate back (the safety net), instead of waiting for it.
    /// </summary>
    [Fact]
    public async Task Transaction_AbandonedOnExplicitlyOpenedConnection_NextWriterTakesTheGateBack()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await db.Database.OpenConnectionAsync();
            var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync(NoOpWrite);
            GC.KeepAlive(tx);
        }
        await AssertNextWriteGoesThroughAsync();
        if (!TestDatabase.IsPostgres) Assert.True(Gate.IsFree, "the SQLite write gate is still held");
    }

    [Fact]
    public async Task Transaction_BeginCancelled_ReleasesGate()
    {
        await using (var scope = server.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Database.BeginTransactionAsync(new CancellationToken(canceled: true)));
        }
        await AssertWritesFlowAsync();
    }
}
