using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Users;

/// <summary>
/// Consecutive failed sign-ins for one login, whether or not a user has that login, so that locking
/// behaves the same for unknown logins and does not tell an attacker which accounts exist.
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>SHA-256 (hex) of the normalized login.</summary>
    public required string Key { get; set; }
    public int Failures { get; set; }
    /// <summary>Locks since the last success; each doubles the wait.</summary>
    public int Lockouts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>
    /// Failed attempts of every factor (password, OTP, SMS/voice codes, recovery codes) since the last completed
    /// sign-in or admin unlock; at <c>Lockout:MaxConsecutiveFailures</c> the login is locked until an admin unlocks it.
    /// </summary>
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset LastFailure { get; set; }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.ToTable("sign_in_throttles");
        b.HasKey(t => t.Key);
        b.Property(t => t.Key).HasColumnName("key");
        b.Property(t => t.Failures).HasColumnName("failures");
        b.Property(t => t.Lockouts).HasColumnName("lockouts");
        b.Property(t => t.LockedUntil).HasColumnName("locked_until");
        b.Property(t => t.ConsecutiveFailures).HasColumnName("consecutive_failures");
        b.Property(t => t.LastFailure).HasColumnName("last_failure");
    }
}
