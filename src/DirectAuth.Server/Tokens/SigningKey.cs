using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Tokens;

/// <summary>
/// Key states: <c>NEXT</c> is published but does not sign yet, <c>ACTIVE</c> signs, <c>RETIRED</c> stays
/// published until <see cref="SigningKey.PublishedUntil"/> so tokens it signed still validate.
/// </summary>
public static class KeyStatus
{
    public const string Next = "NEXT";
    public const string Active = "ACTIVE";
    public const string Retired = "RETIRED";
}

public sealed class SigningKey
{
    public required string Kid { get; set; }
    public required string ServerId { get; set; }
    public required string Alg { get; set; }
    public required string Status { get; set; }
    /// <summary>The public JWK as served in the JWKS.</summary>
    public required string PublicJwk { get; set; }
    /// <summary>PKCS#8 private key, encrypted with the master key (see <c>SecretProtector</c>).</summary>
    public required byte[] ProtectedPrivateKey { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? Activated { get; set; }
    public DateTimeOffset? Retired { get; set; }
    public DateTimeOffset? PublishedUntil { get; set; }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("signing_keys");
        b.HasKey(k => k.Kid);
        b.Property(k => k.Kid).HasColumnName("kid");
        b.Property(k => k.ServerId).HasColumnName("server_id");
        b.Property(k => k.Alg).HasColumnName("alg");
        b.Property(k => k.Status).HasColumnName("status");
        b.Property(k => k.PublicJwk).HasColumnName("public_jwk");
        b.Property(k => k.ProtectedPrivateKey).HasColumnName("protected_private_key");
        b.Property(k => k.Created).HasColumnName("created");
        b.Property(k => k.Activated).HasColumnName("activated");
        b.Property(k => k.Retired).HasColumnName("retired");
        b.Property(k => k.PublishedUntil).HasColumnName("published_until");
    }
}
