using System.Collections.Concurrent;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// When each pending transaction was last polled, kept in this process's memory.
/// <para>
/// Why memory and not a column: recognising a poll that comes sooner than <c>interval</c> needs the time of
/// the previous poll, so every poll would be a database write — a write transaction (and on SQLite a
/// serialized one) on the path clients hit every few seconds for every sign-in in progress. Here it costs a
/// dictionary update. What is lost when this memory is (a restart, or, with several instances, the previous
/// poll having reached another instance) is at most one too-fast poll answered <c>authorization_pending</c>
/// instead of <c>slow_down</c> — harmless, since <c>slow_down</c> only protects the server from load. The
/// interval increase itself is written to the transaction row, so every instance enforces it afterwards.
/// </para>
/// </summary>
public sealed class PollClock
{
    /// <summary>Arrivals this much sooner than the interval still count as on time (timer and scheduling jitter).</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, Entry> _polls = new();
    private long _nextSweepTicks;

    private readonly record struct Entry(long LastPollTicks, long ExpiresTicks);

    /// <summary>Records a poll of transaction <paramref name="seq"/> at <paramref name="now"/>; true when it came sooner than <paramref name="intervalSeconds"/> after the previous one.</summary>
    public bool RecordPoll(long seq, int intervalSeconds, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var ticks = now.UtcTicks;
        var previous = 0L;
        _polls.AddOrUpdate(seq,
            static (_, arg) => new Entry(arg.ticks, arg.expires),
            (_, old, arg) => { previous = old.LastPollTicks; return new Entry(arg.ticks, arg.expires); },
            (ticks, expires: expiresAt.UtcTicks));
        SweepIfDue(ticks);
        return previous != 0 && ticks - previous < TimeSpan.FromSeconds(intervalSeconds).Ticks - Leeway.Ticks;
    }

    /// <summary>Forgets a transaction that can no longer be polled as pending.</summary>
    public void Forget(long seq) => _polls.TryRemove(seq, out _);

    public int Count => _polls.Count;

    private void SweepIfDue(long nowTicks)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (nowTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, nowTicks + SweepEvery.Ticks, due) != due) return;
        foreach (var (seq, entry) in _polls)
            if (entry.ExpiresTicks <= nowTicks) _polls.TryRemove(seq, out _);
    }
}
