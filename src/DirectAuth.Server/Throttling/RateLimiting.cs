using System.Globalization;
using System.Threading.RateLimiting;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.Users;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Throttling;

/// <summary>
/// PROTOCOL.md section 2 rate limiting: a token bucket per client IP address per endpoint group (the token
/// endpoint; every other OAuth endpoint and discovery). Limited responses carry <c>X-Rate-Limit-Limit</c>,
/// <c>X-Rate-Limit-Remaining</c> and <c>X-Rate-Limit-Reset</c> (epoch seconds when the bucket is full again);
/// an empty bucket answers HTTP 429 <c>invalid_grant</c>. The management API is not limited here. The grants that
/// name a user also take from a bucket per login (<see cref="RateLimitBuckets.TakeUsername"/>).
/// </summary>
public static class RateLimiting
{
    public const string ExceededDescription = "API call exceeded rate limit due to too many requests.";

    public static IServiceCollection AddDirectAuthRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidation>();
        services.AddSingleton<RateLimitBuckets>();
        return services;
    }

    public static IApplicationBuilder UseDirectAuthRateLimits(this IApplicationBuilder app) => app.UseMiddleware<RateLimitMiddleware>();

    /// <summary>The group a path is limited in, or null when it is not limited.</summary>
    public static string? GroupOf(PathString path)
    {
        var p = path.Value?.TrimEnd('/') ?? "";
        if (p.StartsWith("/.well-known/", StringComparison.OrdinalIgnoreCase)) return nameof(RateLimitOptions.OAuth);
        if (!p.StartsWith("/oauth2/", StringComparison.OrdinalIgnoreCase)) return null;
        if (p.StartsWith("/oauth2/v1/clients", StringComparison.OrdinalIgnoreCase)) return null; // management (RFC 7591)
        return p.EndsWith("/v1/token", StringComparison.OrdinalIgnoreCase) ? nameof(RateLimitOptions.Token) : nameof(RateLimitOptions.OAuth);
    }
}

/// <summary>
/// The buckets, one per (group, IP address), in a System.Threading.RateLimiting partitioned limiter, which
/// also drops buckets that have stayed full for a while, so memory follows the active addresses.
/// </summary>
public sealed class RateLimitBuckets : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _clock;
    private readonly PartitionedRateLimiter<string> _limiter;

    public RateLimitBuckets(IOptions<RateLimitOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _limiter = PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.Get(key, k => new ClockTokenBucket(OptionsFor(k), _clock)), StringComparer.Ordinal);
    }

    public bool Enabled => _options.Enabled;

    private BucketOptions OptionsFor(string key) =>
        key.StartsWith(nameof(RateLimitOptions.Token) + "|", StringComparison.Ordinal) ? _options.Token
        : key.StartsWith(nameof(RateLimitOptions.Username) + "|", StringComparison.Ordinal) ? _options.Username : _options.OAuth;

    /// <summary>
    /// Takes one token request from the bucket of <paramref name="login"/> (by the hash of the normalized login, so
    /// unknown logins are limited alike): null when it may go on, else the 429 to answer, with the rate-limit
    /// headers of that bucket and <c>Retry-After</c>.
    /// </summary>
    public OAuthError? TakeUsername(string login)
    {
        if (!Enabled) return null;
        var (allowed, limit, remaining, reset, nextToken) = Take(nameof(RateLimitOptions.Username) + "|" + LockoutService.KeyFor(login));
        if (allowed) return null;
        return new OAuthError(429, Errors.InvalidGrant, RateLimiting.ExceededDescription)
        {
            Headers = new Dictionary<string, string>
            {
                ["X-Rate-Limit-Limit"] = limit.ToString(CultureInfo.InvariantCulture),
                ["X-Rate-Limit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
                ["X-Rate-Limit-Reset"] = reset.ToString(CultureInfo.InvariantCulture),
                ["Retry-After"] = nextToken.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>Takes one request from the bucket of <paramref name="key"/>: whether it may go on, and the header values.</summary>
    public (bool Allowed, long Limit, long Remaining, long Reset, long NextTokenSeconds) Take(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        var bucket = OptionsFor(key);
        var remaining = _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
        var untilFull = Math.Ceiling((bucket.Limit - remaining) / bucket.RefillPerSecond);
        return (lease.IsAcquired, bucket.Limit, remaining, _clock.GetUtcNow().ToUnixTimeSeconds() + (long)untilFull,
            Math.Max(1, (long)Math.Ceiling(1 / bucket.RefillPerSecond)));
    }

    public void Dispose() => _limiter.Dispose();
}

internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimitBuckets buckets)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var group = buckets.Enabled ? RateLimiting.GroupOf(context.Request.Path) : null;
        if (group is null)
        {
            await next(context);
            return;
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (allowed, limit, remaining, reset, nextToken) = buckets.Take(group + "|" + address);
        var headers = context.Response.Headers;
        headers["X-Rate-Limit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        if (allowed)
        {
            await next(context);
            return;
        }
        headers.RetryAfter = nextToken.ToString(CultureInfo.InvariantCulture); // when one more request may go
        context.RequestServices.GetService<DirectAuthMetrics>()?.RateLimited(group);
        await WireJson.WriteErrorAsync(context.Response, new OAuthError(429, Errors.InvalidGrant, RateLimiting.ExceededDescription));
    }
}
