using System.Globalization;
using DirectAuth.Server.Storage;
using Npgsql;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Push signals between server instances over PostgreSQL <c>LISTEN/NOTIFY</c>. Publishing is a
/// <c>pg_notify</c>; one connection per instance listens and hands what it hears (its own notifications
/// included, so there is one delivery path) to the local <see cref="PushHub"/>. Notifications sent while
/// the listener was reconnecting are lost, so after a reconnect every local stream re-reads the database.
/// On SQLite this service does nothing.
/// </summary>
public sealed class PostgresPushBus(StorageSettings storage, PushHub hub, ILogger<PostgresPushBus> logger) : IPushBus, IHostedService, IAsyncDisposable
{
    public const string ChannelName = "directauth_push";
    private readonly NpgsqlDataSource? _dataSource = storage.Provider == StorageProvider.Postgres ? NpgsqlDataSource.Create(storage.ConnectionString) : null;
    private readonly CancellationTokenSource _stopping = new();
    private NpgsqlConnection? _listener;
    private Task? _loop;

    /// <summary>True on SQLite (no bus), and on PostgreSQL while the listening connection is open (readiness).</summary>
    public bool Listening => _dataSource is null || _listener is { State: System.Data.ConnectionState.Open };

    public async Task PublishAsync(PushSignal signal, CancellationToken ct)
    {
        await using var command = _dataSource!.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", ChannelName);
        command.Parameters.AddWithValue("payload", Encode(signal));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Starts listening before the server takes requests, so no push created after start is missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null) return;
        _listener = await ListenAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(Timeout.Infinite, cancellationToken));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var reconnecting = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                _listener ??= await ListenAsync(ct);
                delay = TimeSpan.FromMilliseconds(200);
                if (reconnecting)
                {
                    logger.LogInformation("The PostgreSQL push listener is back");
                    hub.Dispatch(new PushResync());
                }
                reconnecting = true;
                while (!ct.IsCancellationRequested) await _listener.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // One line when the listener is lost, not a stack trace per reconnection attempt while the database is down.
                if (_listener is not null || !reconnecting) logger.LogWarning("Lost the PostgreSQL push listener ({Reason}); reconnecting", ex.GetBaseException().Message);
                else logger.LogDebug(ex, "The PostgreSQL push listener is still down; next attempt in {Delay}", delay);
                if (_listener is not null) await _listener.DisposeAsync();
                _listener = null;
                try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await _dataSource!.OpenConnectionAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (Decode(e.Payload) is { } signal) hub.Dispatch(signal);
        };
        await using var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection);
        await listen.ExecuteNonQueryAsync(ct);
        return connection;
    }

    // Payloads are small text: "c|{factorId}|{seq}" (created), "e|{factorId}|{transactionId}|{status}" (ended),
    // "n|{factorId}|{unix ms}|{base64 text}" (a notice).
    public static string Encode(PushSignal signal) => signal switch
    {
        PushCreated c => $"c|{c.FactorId}|{c.Seq.ToString(CultureInfo.InvariantCulture)}",
        PushEnded e => $"e|{e.FactorId}|{e.TransactionId}|{e.Status}",
        PushNoticed n => $"n|{n.FactorId}|{n.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}|{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(n.Text))}",
        _ => "r",
    };

    public static PushSignal? Decode(string payload)
    {
        var parts = payload.Split('|');
        return parts switch
        {
            ["c", var factor, var seq] when long.TryParse(seq, CultureInfo.InvariantCulture, out var s) => new PushCreated(factor, s),
            ["e", var factor, var tx, var status] => new PushEnded(factor, tx, status),
            ["n", var factor, var at, var text] when long.TryParse(at, CultureInfo.InvariantCulture, out var ms) =>
                new PushNoticed(factor, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)), DateTimeOffset.FromUnixTimeMilliseconds(ms)),
            ["r"] => new PushResync(),
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_listener is not null) await _listener.DisposeAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}
