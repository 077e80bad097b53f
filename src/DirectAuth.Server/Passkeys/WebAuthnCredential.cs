using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// The WebAuthn credential of one <c>webauthn</c> factor (one passkey). The factor row holds the status and the
/// Okta-shaped profile; this row the public key (COSE), the signature counter and the authenticator's facts.
/// Deleted with its factor.
/// </summary>
public sealed class WebAuthnCredential
{
    public required string FactorId { get; set; }
    public required string UserId { get; set; }
    /// <summary>The credential id the authenticator chose; unique across all users.</summary>
    public required byte[] CredentialId { get; set; }
    /// <summary>The COSE_Key from the attested credential data.</summary>
    public required byte[] PublicKey { get; set; }
    public long SignCount { get; set; }
    /// <summary>The authenticator model (a UUID; all zeros when the authenticator does not say).</summary>
    public required string Aaguid { get; set; }
    public required string AttestationFormat { get; set; }
    public bool UserVerified { get; set; }
    public bool BackupEligible { get; set; }
    public bool BackedUp { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? LastUsed { get; set; }
}

/// <summary>The WebAuthn user handle (<c>user.id</c>) of a user: 32 random bytes, the same for all their passkeys.</summary>
public sealed class WebAuthnUserHandle
{
    public required string UserId { get; set; }
    public required byte[] Handle { get; set; }
}

internal sealed class WebAuthnCredentialConfiguration : IEntityTypeConfiguration<WebAuthnCredential>
{
    public void Configure(EntityTypeBuilder<WebAuthnCredential> b)
    {
        b.ToTable("webauthn_credentials");
        b.HasKey(c => c.FactorId);
        b.Property(c => c.FactorId).HasColumnName("factor_id");
        b.Property(c => c.UserId).HasColumnName("user_id");
        b.Property(c => c.CredentialId).HasColumnName("credential_id");
        b.HasIndex(c => c.CredentialId).IsUnique();
        b.Property(c => c.PublicKey).HasColumnName("public_key");
        b.Property(c => c.SignCount).HasColumnName("sign_count");
        b.Property(c => c.Aaguid).HasColumnName("aaguid");
        b.Property(c => c.AttestationFormat).HasColumnName("attestation_format");
        b.Property(c => c.UserVerified).HasColumnName("user_verified");
        b.Property(c => c.BackupEligible).HasColumnName("backup_eligible");
        b.Property(c => c.BackedUp).HasColumnName("backed_up");
        b.Property(c => c.Name).HasColumnName("name");
        b.Property(c => c.Created).HasColumnName("created");
        b.Property(c => c.LastUsed).HasColumnName("last_used");
    }
}

internal sealed class WebAuthnUserHandleConfiguration : IEntityTypeConfiguration<WebAuthnUserHandle>
{
    public void Configure(EntityTypeBuilder<WebAuthnUserHandle> b)
    {
        b.ToTable("webauthn_user_handles");
        b.HasKey(h => h.UserId);
        b.Property(h => h.UserId).HasColumnName("user_id");
        b.Property(h => h.Handle).HasColumnName("handle");
        b.HasIndex(h => h.Handle).IsUnique();
    }
}
