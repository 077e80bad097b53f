using System.Diagnostics;

namespace DirectAuth.Server.Phone;

/// <summary>
/// How long the provider took to take the last sign-in codes of each channel (the median of the last
/// <see cref="Kept"/>), so that a decoy — a login no one has, or without that kind of phone, which is never
/// sent anything — answers after as long as a real send would have taken. Without it a slow provider (an
/// HTTP call to Twilio or a webhook) would tell which logins have a phone. The wait is real time, not the
/// server's clock: it hides a real latency.
/// </summary>
public sealed class SendLatency
{
    public const int Kept = 32;
    private readonly Dictionary<string, Queue<TimeSpan>> _recent = [];
    private readonly Lock _lock = new();

    public void Record(string channel, TimeSpan took)
    {
        lock (_lock)
        {
            if (!_recent.TryGetValue(channel, out var queue)) _recent[channel] = queue = new Queue<TimeSpan>(Kept);
            if (queue.Count == Kept) queue.Dequeue();
            queue.Enqueue(took);
        }
    }

    /// <summary>The median of the channel's recent real sends, or zero before the first.</summary>
    public TimeSpan Typical(string channel)
    {
        lock (_lock)
        {
            if (!_recent.TryGetValue(channel, out var queue) || queue.Count == 0) return TimeSpan.Zero;
            var sorted = queue.Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }

    /// <summary>
    /// Waits until <paramref name="started"/> is as long ago as a typical real send of the channel. A timer fires
    /// a millisecond or more late (more under load), which is as much as the work being hidden when the provider
    /// is the local outbox; so the timer is asked for all but the last <see cref="TimerSlack"/>, and the rest is
    /// waited by yielding the thread until the deadline (a few microseconds late).
    /// </summary>
    public async Task PadAsync(string channel, long started, CancellationToken ct)
    {
        var deadline = started + (long)(Typical(channel).TotalSeconds * Stopwatch.Frequency);
        var coarse = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline) - TimerSlack;
        if (coarse > TimeSpan.Zero) await Task.Delay(coarse, ct);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    /// <summary>How much earlier than the deadline the timer is asked to fire.</summary>
    public static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(3);
}
