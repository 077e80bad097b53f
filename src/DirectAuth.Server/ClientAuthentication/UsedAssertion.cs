using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.ClientAuthentication;

/// <summary>A private_key_jwt <c>jti</c> already accepted; the primary key makes a second use fail.</summary>
public sealed class UsedAssertion
{
    public required string ClientId { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class UsedAssertionConfiguration : IEntityTypeConfiguration<UsedAssertion>
{
    public void Configure(EntityTypeBuilder<UsedAssertion> b)
    {
        b.ToTable("used_assertions");
        b.HasKey(a => new { a.ClientId, a.Jti });
        b.Property(a => a.ClientId).HasColumnName("client_id");
        b.Property(a => a.Jti).HasColumnName("jti");
        b.Property(a => a.ExpiresAt).HasColumnName("expires_at");
    }
}
