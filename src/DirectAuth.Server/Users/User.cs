using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Users;

/// <summary>Okta user statuses. LOCKED_OUT is not stored: it is read from the sign-in throttle.</summary>
public static class UserStatus
{
    public const string Staged = "STAGED";
    public const string Provisioned = "PROVISIONED";
    public const string Active = "ACTIVE";
    public const string Suspended = "SUSPENDED";
    public const string Deprovisioned = "DEPROVISIONED";
    /// <summary>Set by <c>lifecycle/expire_password</c>: the password no longer signs in until an admin sets a new one.</summary>
    public const string PasswordExpired = "PASSWORD_EXPIRED";
    public const string LockedOut = "LOCKED_OUT";
}

public sealed class User
{
    public required string Id { get; set; }
    public required string Login { get; set; }
    /// <summary>Upper-invariant login, unique; sign-in is case-insensitive.</summary>
    public required string NormalizedLogin { get; set; }
    public string? Email { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? MobilePhone { get; set; }
    /// <summary>The rest of Okta's base profile as a JSON object of strings, see <see cref="ProfileAttributes"/>.</summary>
    public string? ProfileAttributes { get; set; }
    public required string Status { get; set; }
    public string? PasswordHash { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? Activated { get; set; }
    public DateTimeOffset? StatusChanged { get; set; }
    public DateTimeOffset? LastLogin { get; set; }
    public DateTimeOffset LastUpdated { get; set; }
    public DateTimeOffset? PasswordChanged { get; set; }

    public string DisplayName => string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrEmpty(s)));

    public static string Normalize(string login) => login.Trim().ToUpperInvariant();
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasColumnName("id");
        b.Property(u => u.Login).HasColumnName("login");
        b.Property(u => u.NormalizedLogin).HasColumnName("normalized_login");
        b.HasIndex(u => u.NormalizedLogin).IsUnique();
        b.Property(u => u.Email).HasColumnName("email");
        b.Property(u => u.FirstName).HasColumnName("first_name");
        b.Property(u => u.LastName).HasColumnName("last_name");
        b.Property(u => u.MobilePhone).HasColumnName("mobile_phone");
        b.Property(u => u.ProfileAttributes).HasColumnName("profile_attributes");
        b.Property(u => u.Status).HasColumnName("status");
        b.Property(u => u.PasswordHash).HasColumnName("password_hash");
        b.Property(u => u.Created).HasColumnName("created");
        b.Property(u => u.Activated).HasColumnName("activated");
        b.Property(u => u.StatusChanged).HasColumnName("status_changed");
        b.Property(u => u.LastLogin).HasColumnName("last_login");
        b.Property(u => u.LastUpdated).HasColumnName("last_updated");
        b.Property(u => u.PasswordChanged).HasColumnName("password_changed");
        b.Ignore(u => u.DisplayName);
    }
}
