using System.Globalization;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Observability;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>
/// SMS pumping defences (docs/delivery.md): texts and calls only to the allowed country calling codes, at
/// most so many per client address and per number prefix an hour, and a global daily cap whose reaching
/// writes one alert event (<c>system.org.rate_limit.violation</c>, severity ERROR) and an error log line.
/// A refused send is answered like a delivery that cannot be made. The counters live in
/// <c>phone_send_limits</c> (keys <c>ip:</c>, <c>prefix:</c>, <c>day:</c>), shared by every instance.
/// A decoy (a sign-in for a login without such a phone) has no number: it is counted per address like a
/// real sign-in and refused while the daily cap is reached, but does not use the daily cap up (it counts under
/// <c>prefix:decoy</c> and <c>day:decoys</c> instead, which nothing caps: the same writes, so the same time).
/// Countries and prefixes are read from the number in E.164 form, parsed as factor numbers are (a national
/// number in <c>Phone:DefaultRegion</c>): the same phone written two ways shares its prefix counter, and a
/// number whose country cannot be told is refused while the allowed countries are limited.
/// </summary>
public sealed class PumpingGuard(
    PhoneSendLimiter limiter, AuditLog audit, IHttpContextAccessor http, TimeProvider clock, IOptions<DeliveryOptions> options,
    IOptions<PhoneOptions> phoneOptions, ILogger<PumpingGuard> logger)
{
    public const string DailyKey = PhoneSendLimiter.DailyPrefix + "sends";
    private const string DecoyPrefixKey = "prefix:decoy";
    private const string DecoyDailyKey = PhoneSendLimiter.DailyPrefix + "decoys";
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The refusal of a number outside the allowed country codes, or null (no counting; a decoy's empty number passes).</summary>
    public SendPermit? CountryRefusal(string phone)
    {
        var codes = options.Value.CountryCodes();
        if (phone.Length == 0 || codes.Count == 0) return null;
        // Country calling codes are prefix-free, so the E.164 digits start with exactly one of them.
        var digits = Digits(phone);
        return digits is not null && codes.Any(c => digits.StartsWith(c, StringComparison.Ordinal))
            ? null : new SendPermit(SendRefusal.CountryNotAllowed, clock.GetUtcNow(), 0);
    }

    /// <summary>Counts the send under the client's address (sign-ins: before the per-phone limits, so a refused address uses no phone's turn); the refusal, or null.</summary>
    public async Task<SendPermit?> CountAddressAsync(CancellationToken ct)
    {
        if (http.HttpContext?.Connection.RemoteIpAddress is not { } address) return null;
        var cap = options.Value.MaxSendsPerIpPerHour;
        var (counted, end, _) = await limiter.TryCountAsync("ip:" + address, Hour, cap, ct);
        return counted ? null : new SendPermit(SendRefusal.IpHourlyCap, end, cap);
    }

    /// <summary>Counts the send per number prefix and per day (after the per-phone limits); the refusal, or null to send.</summary>
    public async Task<SendPermit?> CountAsync(string phone, string channel, CancellationToken ct)
    {
        var o = options.Value;
        if (phone.Length == 0)
        {
            // A decoy writes two counters as a real number does (its prefix and the day), under keys of its own
            // that nothing caps, so that it takes as long; the alternating bench showed the two writes (about
            // 1-2 ms on SQLite) telling a login with a phone from one without (bench/README.md, issue 10).
            await limiter.TryCountAsync(DecoyPrefixKey, Hour, int.MaxValue, ct);
            await limiter.TryCountAsync(DecoyDailyKey, Day, int.MaxValue, ct);
            var (full, dayEnd) = await limiter.IsFullAsync(DailyKey, Day, o.MaxSendsPerDay, ct);
            return full ? new SendPermit(SendRefusal.DailyCap, dayEnd, o.MaxSendsPerDay) : null;
        }

        var digits = Digits(phone) ?? phone.TrimStart('+');
        var (prefixCounted, prefixEnd, _) = await limiter.TryCountAsync("prefix:" + digits[..Math.Min(o.PrefixDigits, digits.Length)], Hour, o.MaxSendsPerPrefixPerHour, ct);
        if (!prefixCounted) return new SendPermit(SendRefusal.PrefixHourlyCap, prefixEnd, o.MaxSendsPerPrefixPerHour);

        var (sent, windowEnd, count) = await limiter.TryCountAsync(DailyKey, Day, o.MaxSendsPerDay, ct);
        if (count >= o.MaxSendsPerDay) await AlertOnceAsync(channel, windowEnd, o.MaxSendsPerDay, ct);
        return sent ? null : new SendPermit(SendRefusal.DailyCap, windowEnd, o.MaxSendsPerDay);
    }

    /// <summary>The E.164 digits of <paramref name="phone"/> (without '+'), or null when it is not a phone number.</summary>
    private string? Digits(string phone) => PhoneNumber.Normalize(phone, phoneOptions.Value.DefaultRegion)?.TrimStart('+');

    /// <summary>The alert, once per daily window: the window's own counter of one settles which request writes it.</summary>
    private async Task AlertOnceAsync(string channel, DateTimeOffset windowEnd, int cap, CancellationToken ct)
    {
        var key = PhoneSendLimiter.DailyPrefix + "alert:" + windowEnd.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var (first, _, _) = await limiter.TryCountAsync(key, Day, 1, ct);
        if (!first) return;
        logger.LogError("The daily cap of {Cap} texts and calls (Delivery:MaxSendsPerDay) is reached; further ones are refused until {Until}",
            cap, LogEventRepresentation.Format(windowEnd));
        await audit.RecordAsync(new AuditEntry(EventTypes.RateLimitViolation, Outcomes.Deny, "Daily cap of texts and calls reached; further ones are refused")
        {
            Severity = "ERROR", Reason = "DAILY_CAP",
            Details = new Dictionary<string, string>
            {
                ["cap"] = cap.ToString(CultureInfo.InvariantCulture), ["until"] = LogEventRepresentation.Format(windowEnd), ["channel"] = channel,
            },
        }, ct);
    }
}
