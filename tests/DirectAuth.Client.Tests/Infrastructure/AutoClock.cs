namespace DirectAuth.Client.Tests.Infrastructure;

/// <summary>
/// A clock for the SDK whose timers fire at once and move time forward by their due time, so polling tests run
/// instantly yet see exactly the waits the SDK asked for (<see cref="Delays"/>). With <see cref="Hold"/> set,
/// timers never fire (to cancel a wait in progress). <see cref="OnAdvance"/> moves another clock along (the
/// server's TestClock in end-to-end tests).
/// </summary>
public sealed class AutoClock(DateTimeOffset? start = null) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start ?? DateTimeOffset.UtcNow;
    private readonly List<TimeSpan> _delays = [];

    public bool Hold { get; set; }

    public Action<TimeSpan>? OnAdvance { get; set; }

    /// <summary>Set when a timer is created while <see cref="Hold"/> is on: the SDK is now waiting.</summary>
    public TaskCompletionSource HeldTimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (_lock) return _delays.ToList(); }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
        OnAdvance?.Invoke(by);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (Hold)
        {
            HeldTimerCreated.TrySetResult();
            return new NoTimer();
        }
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_lock) _delays.Add(dueTime);
            Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
