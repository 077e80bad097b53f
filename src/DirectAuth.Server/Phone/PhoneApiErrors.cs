using System.Globalization;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Phone;

/// <summary>The Okta-shaped management API answers of phone factors, worded once.</summary>
public static class PhoneApiErrors
{
    public const string WrongCode = "Your passcode doesn't match our records. Please try again.";
    public const string ExpiredCode = "Your passcode has expired. Send a new one with the factor's resend link.";
    public const string NoAttemptsLeft = "Too many wrong passcodes. Send a new one with the factor's resend link.";

    /// <summary>403 E0000068, as Okta answers a wrong factor passcode.</summary>
    public static IResult InvalidPasscode(string cause) =>
        new OktaErrorResult(403, OktaErrors.Create("E0000068", "Invalid Passcode/Answer", cause));

    /// <summary>
    /// 429: Okta's E0000109 (text) or E0000133 (call) when the last send is under the resend interval,
    /// E0000047 for the hourly cap; with the rate-limit headers and Retry-After.
    /// </summary>
    public static IResult RateLimited(string channel, SendPermit permit, DateTimeOffset now)
    {
        var wait = Math.Max(1, (int)Math.Ceiling((permit.RetryAt - now).TotalSeconds));
        var error = permit.Refusal == SendRefusal.TooSoon
            ? channel == Channels.Sms
                ? OktaErrors.Create("E0000109", $"An SMS message was recently sent. Please wait {wait} seconds before trying again.")
                : OktaErrors.Create("E0000133", $"A phone call was recently made. Please wait {wait} seconds before trying again.")
            : OktaErrors.Create("E0000047", "API call exceeded rate limit due to too many requests.",
                $"At most {permit.Limit} texts and calls per phone number per hour; try again in {wait} seconds.");
        return new WithHeaders(new OktaErrorResult(429, error), RateLimitHeaders(permit, wait));
    }

    /// <summary>503 E0000139: the provider did not take the message.</summary>
    public static IResult DeliveryFailed(string channel) =>
        new OktaErrorResult(503, OktaErrors.Create("E0000139", "Telephony provider error",
            channel == Channels.Sms ? "The text message could not be sent. Try again later." : "The call could not be made. Try again later."));

    public static Dictionary<string, string> RateLimitHeaders(SendPermit permit, int wait) => new()
    {
        ["X-Rate-Limit-Limit"] = permit.Limit.ToString(CultureInfo.InvariantCulture),
        ["X-Rate-Limit-Remaining"] = "0",
        ["X-Rate-Limit-Reset"] = permit.RetryAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ["Retry-After"] = wait.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class WithHeaders(IResult inner, IReadOnlyDictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var (name, value) in headers) httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
