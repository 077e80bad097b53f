using DirectAuth.Server.OutOfBand.Push;

namespace DirectAuth.Server.PushProviders;

/// <summary>What one attempt to hand a wake-up to APNs or FCM came to; the dispatcher decides what follows.</summary>
public enum WakeOutcome
{
    /// <summary>The provider took it.</summary>
    Accepted,
    /// <summary>The token is not (or no longer) valid: forget it.</summary>
    TokenInvalid,
    /// <summary>The provider refused the server's credentials: alert the operator, do not retry.</summary>
    CredentialsRejected,
    /// <summary>Throttled, unavailable or unreachable: retry later (after <see cref="WakeAttempt.RetryAfter"/> when given).</summary>
    Retry,
    /// <summary>Any other refusal: final.</summary>
    Rejected,
}

/// <param name="Cause">The provider's reason (e.g. <c>BadDeviceToken</c>, <c>UNREGISTERED</c>, <c>HTTP 503</c>): safe to log, never a token.</param>
public sealed record WakeAttempt(WakeOutcome Outcome, string Cause, TimeSpan? RetryAfter = null);

/// <summary>One push service (APNs, FCM): one attempt, no retry (<see cref="PhoneWakeDispatcher"/> retries).</summary>
public interface IPushProvider
{
    /// <summary><c>apns</c> or <c>fcm</c>.</summary>
    string Platform { get; }

    Task<WakeAttempt> SendAsync(PhoneWake wake, CancellationToken ct);
}

/// <summary>Reading a provider's answer.</summary>
internal static class ProviderAnswers
{
    /// <summary>The <c>Retry-After</c> header (seconds or an HTTP date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

    public static bool Retryable(int status) => status is 429 or >= 500;
}
