using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Throttling;

/// <summary>
/// The <c>RateLimits</c> settings: one token bucket per client IP address and endpoint group
/// (env: <c>DIRECTAUTH_RATELIMITS__TOKEN__LIMIT</c>, see docs/configuration.md).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>false turns rate limiting off (benchmarks, or a gateway in front that limits already).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The token endpoint (<c>{base}/v1/token</c>): every sign-in, refresh and poll.</summary>
    public BucketOptions Token { get; set; } = new() { Limit = 600, RefillPerSecond = 10 };

    /// <summary>Every other OAuth endpoint under <c>/oauth2</c> and the discovery documents.</summary>
    public BucketOptions OAuth { get; set; } = new() { Limit = 1200, RefillPerSecond = 20 };

    /// <summary>
    /// Token requests that name a user (<c>username</c> of the password grant, <c>login_hint</c> of the OTP grant),
    /// per login whether or not a user has it, from every address together: Okta's 4 requests per second per username.
    /// </summary>
    public BucketOptions Username { get; set; } = new() { Limit = 4, RefillPerSecond = 4 };
}

public sealed class BucketOptions
{
    /// <summary>Bucket size: the burst one address may send at once, and <c>X-Rate-Limit-Limit</c>.</summary>
    public int Limit { get; set; }

    /// <summary>Requests per second added back to the bucket (the sustained rate).</summary>
    public double RefillPerSecond { get; set; }
}

internal sealed class RateLimitOptionsValidation : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var problems = new List<string>();
        foreach (var (group, bucket) in new[] { ("Token", options.Token), ("OAuth", options.OAuth), ("Username", options.Username) })
        {
            if (bucket.Limit is < 1 or > 1_000_000) problems.Add($"RateLimits:{group}:Limit must be between 1 and 1000000.");
            if (!(bucket.RefillPerSecond is > 0 and <= 1_000_000)) problems.Add($"RateLimits:{group}:RefillPerSecond must be above 0 and at most 1000000.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
