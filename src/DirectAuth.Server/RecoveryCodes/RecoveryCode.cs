using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.RecoveryCodes;

/// <summary>
/// One recovery code (a NIST SP 800-63B look-up secret): 80 random bits, stored only as a salted
/// PBKDF2 hash, used once (<see cref="UsedAt"/> is set atomically).
/// </summary>
public sealed class RecoveryCode
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required byte[] Salt { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> b)
    {
        b.ToTable("recovery_codes");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasColumnName("id");
        b.Property(c => c.UserId).HasColumnName("user_id");
        b.HasIndex(c => c.UserId);
        b.Property(c => c.Salt).HasColumnName("salt");
        b.Property(c => c.CodeHash).HasColumnName("code_hash");
        b.Property(c => c.Created).HasColumnName("created");
        b.Property(c => c.UsedAt).HasColumnName("used_at");
    }
}
