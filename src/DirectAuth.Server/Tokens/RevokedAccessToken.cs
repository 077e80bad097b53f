using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Tokens;

/// <summary>An access token revoked before it expired (RFC 7009); kept until it would have expired.</summary>
public sealed class RevokedAccessToken
{
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class RevokedAccessTokenConfiguration : IEntityTypeConfiguration<RevokedAccessToken>
{
    public void Configure(EntityTypeBuilder<RevokedAccessToken> b)
    {
        b.ToTable("revoked_access_tokens");
        b.HasKey(t => t.Jti);
        b.Property(t => t.Jti).HasColumnName("jti");
        b.Property(t => t.ExpiresAt).HasColumnName("expires_at");
    }
}
