using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Tokens;

/// <summary>
/// One refresh token of a family (all tokens rotated from one sign-in). Only the SHA-256 of the token is
/// stored. A token is used once: <see cref="ConsumedAt"/> is set atomically by the request that rotates it.
/// </summary>
public sealed class RefreshToken
{
    public required string Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string FamilyId { get; set; }
    public required string ServerId { get; set; }
    public required string ClientId { get; set; }
    public string? UserId { get; set; }
    public required string Scopes { get; set; }
    /// <summary>Authentication methods proven at sign-in (RFC 8176), space separated; carried into every refreshed token.</summary>
    public required string Amr { get; set; }
    public string? Acr { get; set; }
    public DateTimeOffset AuthTime { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>When the family ends regardless of rotation.</summary>
    public DateTimeOffset FamilyExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasColumnName("id");
        b.Property(t => t.TokenHash).HasColumnName("token_hash");
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.Property(t => t.FamilyId).HasColumnName("family_id");
        b.HasIndex(t => t.FamilyId);
        b.Property(t => t.ServerId).HasColumnName("server_id");
        b.Property(t => t.ClientId).HasColumnName("client_id");
        b.Property(t => t.UserId).HasColumnName("user_id");
        b.Property(t => t.Scopes).HasColumnName("scopes");
        b.Property(t => t.Amr).HasColumnName("amr");
        b.Property(t => t.Acr).HasColumnName("acr");
        b.Property(t => t.AuthTime).HasColumnName("auth_time");
        b.Property(t => t.Created).HasColumnName("created");
        b.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        b.Property(t => t.FamilyExpiresAt).HasColumnName("family_expires_at");
        b.Property(t => t.ConsumedAt).HasColumnName("consumed_at");
        b.Property(t => t.RevokedAt).HasColumnName("revoked_at");
    }
}
