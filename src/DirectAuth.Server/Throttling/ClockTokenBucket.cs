using System.Threading.RateLimiting;

namespace DirectAuth.Server.Throttling;

/// <summary>
/// A token bucket (System.Threading.RateLimiting) that reads time from the injected <see cref="TimeProvider"/>
/// and refills on use, instead of from its own timer like <see cref="TokenBucketRateLimiter"/>: the same
/// clock as the rest of the server, so the <c>X-Rate-Limit-Reset</c> it reports and the tests that move time agree.
/// </summary>
public sealed class ClockTokenBucket(BucketOptions options, TimeProvider clock) : ReplenishingRateLimiter
{
    private readonly Lock _lock = new();
    private double _tokens = options.Limit;
    private DateTimeOffset _updated = clock.GetUtcNow();
    private DateTimeOffset? _fullSince = clock.GetUtcNow();
    private long _granted;
    private long _refused;

    public override bool IsAutoReplenishing => true; // refills itself from the clock on every use

    public override TimeSpan ReplenishmentPeriod => TimeSpan.FromSeconds(1 / options.RefillPerSecond);

    public override bool TryReplenish() => false;

    /// <summary>How long the bucket has been full (a full bucket may be dropped: a new one starts full).</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = Refill();
                return _fullSince is { } since ? now - since : null;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_lock)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Floor(_tokens), CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted, TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_lock)
        {
            Refill();
            if (_tokens < permitCount)
            {
                _refused++;
                return Lease.Refused;
            }
            _tokens -= permitCount;
            if (permitCount > 0) _fullSince = null;
            _granted++;
            return Lease.Granted;
        }
    }

    // No queueing: a request over the limit is answered 429 at once.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private DateTimeOffset Refill()
    {
        var now = clock.GetUtcNow();
        var elapsed = (now - _updated).TotalSeconds;
        if (elapsed <= 0) return now;
        if (_fullSince is null)
        {
            var missing = options.Limit - _tokens;
            _tokens = Math.Min(options.Limit, _tokens + elapsed * options.RefillPerSecond);
            if (_tokens >= options.Limit) _fullSince = _updated + TimeSpan.FromSeconds(missing / options.RefillPerSecond);
        }
        _updated = now;
        return now;
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
