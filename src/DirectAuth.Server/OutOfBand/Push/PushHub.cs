using System.Collections.Concurrent;
using System.Threading.Channels;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>Something a connected device should hear about.</summary>
public abstract record PushSignal(string FactorId);

/// <summary>A new push for the factor (the stream reads it, and anything else it missed, from the database).</summary>
public sealed record PushCreated(string FactorId, long Seq) : PushSignal(FactorId);

/// <summary>A push ended: answered (on this device or not), or denied by the server.</summary>
public sealed record PushEnded(string FactorId, string TransactionId, string Status) : PushSignal(FactorId);

/// <summary>A notice for the user on the devices connected now (<see cref="PushDeviceApi.NoticeEvent"/>); not stored.</summary>
public sealed record PushNoticed(string FactorId, string Text, DateTimeOffset CreatedAt) : PushSignal(FactorId);

/// <summary>Signals may have been lost (the PostgreSQL listener reconnected): every stream re-reads what is pending.</summary>
public sealed record PushResync() : PushSignal("");

/// <summary>
/// The event streams connected to this process, by factor. Signals reach it from <see cref="IPushBus"/>:
/// directly in one process (SQLite), or through PostgreSQL <c>LISTEN/NOTIFY</c> from any instance.
/// </summary>
public sealed class PushHub
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _byFactor = new(StringComparer.Ordinal);

    public int Connections => _byFactor.Values.Sum(s => s.Count);

    public Subscription Subscribe(string factorId)
    {
        var subscription = new Subscription(this, factorId);
        _byFactor.GetOrAdd(factorId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    public void Dispatch(PushSignal signal)
    {
        if (signal is PushResync)
        {
            foreach (var subscriptions in _byFactor.Values)
                foreach (var s in subscriptions.Keys) s.Write(signal);
            return;
        }
        if (_byFactor.TryGetValue(signal.FactorId, out var forFactor))
            foreach (var s in forFactor.Keys) s.Write(signal);
    }

    private void Remove(Subscription subscription)
    {
        if (_byFactor.TryGetValue(subscription.FactorId, out var forFactor))
        {
            forFactor.TryRemove(subscription, out _);
            if (forFactor.IsEmpty) _byFactor.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.FactorId, forFactor));
        }
    }

    /// <summary>One connected stream's inbox. Dispose when the stream ends.</summary>
    public sealed class Subscription(PushHub hub, string factorId) : IDisposable
    {
        // Bounded, dropping the oldest: a stream that cannot keep up loses old signals, not memory; any later
        // PushCreated makes it re-read every pending push from the database anyway.
        private readonly Channel<PushSignal> _signals = Channel.CreateBounded<PushSignal>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });

        public string FactorId { get; } = factorId;

        public ChannelReader<PushSignal> Signals => _signals.Reader;

        internal void Write(PushSignal signal) => _signals.Writer.TryWrite(signal);

        public void Dispose()
        {
            hub.Remove(this);
            _signals.Writer.TryComplete();
        }
    }
}
