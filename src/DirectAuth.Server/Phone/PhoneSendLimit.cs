using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Texts and calls to one phone number: the last one, and the count in the current hour window. The key is
/// the E.164 number; a sign-in for a login that has no phone (a decoy) is counted under <c>login:{hash}</c>
/// instead, so that it is limited exactly like a real one.
/// </summary>
public sealed class PhoneSendLimit
{
    public required string Key { get; set; }
    public DateTimeOffset? LastSentAt { get; set; }
    public DateTimeOffset? WindowStart { get; set; }
    public int WindowCount { get; set; }
}

internal sealed class PhoneSendLimitConfiguration : IEntityTypeConfiguration<PhoneSendLimit>
{
    public void Configure(EntityTypeBuilder<PhoneSendLimit> b)
    {
        b.ToTable("phone_send_limits");
        b.HasKey(l => l.Key);
        b.Property(l => l.Key).HasColumnName("limit_key");
        b.Property(l => l.LastSentAt).HasColumnName("last_sent_at");
        b.Property(l => l.WindowStart).HasColumnName("window_start");
        b.Property(l => l.WindowCount).HasColumnName("window_count");
    }
}

/// <summary>Why a send was refused, and when it would be allowed.</summary>
public enum SendRefusal
{
    None, TooSoon, HourlyCap,
    // SMS pumping defences (Delivery/PumpingGuard.cs): answered like a delivery that cannot be made.
    CountryNotAllowed, IpHourlyCap, PrefixHourlyCap, DailyCap,
}

public sealed record SendPermit(SendRefusal Refusal, DateTimeOffset RetryAt, int Limit)
{
    public bool Allowed => Refusal == SendRefusal.None;

    /// <summary>Refused by an SMS pumping defence rather than by the per-phone limits.</summary>
    public bool Pumping => Refusal is SendRefusal.CountryNotAllowed or SendRefusal.IpHourlyCap or SendRefusal.PrefixHourlyCap or SendRefusal.DailyCap;

    public string Reason => Refusal switch
    {
        SendRefusal.TooSoon => "RESEND_TOO_SOON",
        SendRefusal.HourlyCap => "HOURLY_CAP",
        SendRefusal.CountryNotAllowed => "COUNTRY_NOT_ALLOWED",
        SendRefusal.IpHourlyCap => "IP_HOURLY_CAP",
        SendRefusal.PrefixHourlyCap => "PREFIX_HOURLY_CAP",
        SendRefusal.DailyCap => "DAILY_CAP",
        _ => "NONE",
    };
}

/// <summary>
/// One text or call per phone per <c>Phone:ResendSeconds</c>, at most <c>Phone:MaxSendsPerHour</c> per hour.
/// The check and the booking are one conditional UPDATE, so two requests at once cannot both pass.
/// </summary>
public sealed class PhoneSendLimiter(DirectAuthDb db, TimeProvider clock, IOptions<PhoneOptions> options)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Keys of counters with a day's window (kept a day by the cleanup, not an hour).</summary>
    public const string DailyPrefix = "day:";

    public async Task<SendPermit> TryBookAsync(string key, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var resendAfter = now - TimeSpan.FromSeconds(o.ResendSeconds);
        var hourAgo = now - Hour;
        var cap = o.MaxSendsPerHour;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO phone_send_limits (limit_key, window_count) VALUES ({key}, 0) ON CONFLICT (limit_key) DO NOTHING", ct);
        var set = db.Set<PhoneSendLimit>();
        var booked = await set
            .Where(l => l.Key == key
                && (l.LastSentAt == null || l.LastSentAt <= resendAfter)
                && (l.WindowStart == null || l.WindowStart <= hourAgo || l.WindowCount < cap))
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.LastSentAt, now)
                .SetProperty(l => l.WindowCount, l => l.WindowStart == null || l.WindowStart <= hourAgo ? 1 : l.WindowCount + 1)
                .SetProperty(l => l.WindowStart, l => l.WindowStart == null || l.WindowStart <= hourAgo ? now : l.WindowStart), ct);
        if (booked == 1) return new SendPermit(SendRefusal.None, now, cap);

        var row = await set.AsNoTracking().FirstAsync(l => l.Key == key, ct);
        if (row.LastSentAt > resendAfter)
            return new SendPermit(SendRefusal.TooSoon, row.LastSentAt.Value.AddSeconds(o.ResendSeconds), 1);
        return new SendPermit(SendRefusal.HourlyCap, (row.WindowStart ?? now) + Hour, cap);
    }

    /// <summary>
    /// Counts one send under <paramref name="key"/> in a fixed window of <paramref name="window"/> (from the
    /// first send), at most <paramref name="cap"/>: whether it was counted, when the window ends, and the count
    /// then. One conditional UPDATE, like <see cref="TryBookAsync"/>.
    /// </summary>
    public async Task<(bool Counted, DateTimeOffset WindowEnd, int Count)> TryCountAsync(string key, TimeSpan window, int cap, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var over = now - window;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO phone_send_limits (limit_key, window_count) VALUES ({key}, 0) ON CONFLICT (limit_key) DO NOTHING", ct);
        var set = db.Set<PhoneSendLimit>();
        var counted = await set
            .Where(l => l.Key == key && (l.WindowStart == null || l.WindowStart <= over || l.WindowCount < cap))
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.WindowCount, l => l.WindowStart == null || l.WindowStart <= over ? 1 : l.WindowCount + 1)
                .SetProperty(l => l.WindowStart, l => l.WindowStart == null || l.WindowStart <= over ? now : l.WindowStart), ct);
        var row = await set.AsNoTracking().FirstAsync(l => l.Key == key, ct);
        return (counted == 1, (row.WindowStart ?? now) + window, row.WindowCount);
    }

    /// <summary>Whether <paramref name="key"/>'s window holds <paramref name="cap"/> sends already (reads only).</summary>
    public async Task<(bool Full, DateTimeOffset WindowEnd)> IsFullAsync(string key, TimeSpan window, int cap, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = await db.Set<PhoneSendLimit>().AsNoTracking().FirstOrDefaultAsync(l => l.Key == key, ct);
        var full = row is { WindowStart: { } start } && start > now - window && row.WindowCount >= cap;
        return (full, (row?.WindowStart ?? now) + window);
    }
}

internal sealed class PhoneSendLimitExpiringRows : IExpiringRows
{
    public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct)
    {
        var hourAgo = now - TimeSpan.FromHours(1);
        var dayAgo = now - TimeSpan.FromDays(1);
        // Rows whose window is over (an hour; a day for the daily ones) and whose last send is long past hold no limit any more.
        return db.Set<PhoneSendLimit>()
            .Where(l => l.Key.StartsWith(PhoneSendLimiter.DailyPrefix)
                ? l.WindowStart == null || l.WindowStart < dayAgo
                : (l.WindowStart == null || l.WindowStart < hourAgo) && (l.LastSentAt == null || l.LastSentAt < hourAgo))
            .ExecuteDeleteAsync(ct);
    }
}
