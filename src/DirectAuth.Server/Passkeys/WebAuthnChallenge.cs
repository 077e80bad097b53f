using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Passkeys;

/// <summary>What a challenge is for.</summary>
public static class ChallengePurposes
{
    /// <summary>Enrollment (<c>navigator.credentials.create</c>), bound to the pending factor.</summary>
    public const string Register = "register";
    /// <summary>Sign-in (<c>navigator.credentials.get</c>), bound to the client and server, and to the user or mfa transaction when known.</summary>
    public const string Assert = "assert";
}

/// <summary>
/// A WebAuthn challenge the server issued. Only the SHA-256 of the challenge bytes is stored; the row says what
/// it may be used for and is used once (<see cref="UsedAt"/> set by a conditional update).
/// </summary>
public sealed class WebAuthnChallenge
{
    public required string Id { get; set; }
    public required byte[] ChallengeHash { get; set; }
    public required string Purpose { get; set; }
    public string? ServerId { get; set; }
    public string? ClientId { get; set; }
    /// <summary>The user the challenge is for; null for a discoverable-credential sign-in and for a decoy.</summary>
    public string? UserId { get; set; }
    /// <summary>Enrollment: the pending factor.</summary>
    public string? FactorId { get; set; }
    /// <summary>Second factor: the mfa transaction it continues.</summary>
    public string? MfaTransactionId { get; set; }
    /// <summary>The <c>userVerification</c> sent with it (what the answer is checked against).</summary>
    public required string UserVerification { get; set; }
    /// <summary>Issued for a login that has no passkey: answered like a real challenge, never redeemable.</summary>
    public bool Decoy { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class WebAuthnChallengeConfiguration : IEntityTypeConfiguration<WebAuthnChallenge>
{
    public void Configure(EntityTypeBuilder<WebAuthnChallenge> b)
    {
        b.ToTable("webauthn_challenges");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasColumnName("id");
        b.Property(c => c.ChallengeHash).HasColumnName("challenge_hash");
        b.HasIndex(c => c.ChallengeHash).IsUnique();
        b.Property(c => c.Purpose).HasColumnName("purpose");
        b.Property(c => c.ServerId).HasColumnName("server_id");
        b.Property(c => c.ClientId).HasColumnName("client_id");
        b.Property(c => c.UserId).HasColumnName("user_id");
        b.Property(c => c.FactorId).HasColumnName("factor_id");
        b.Property(c => c.MfaTransactionId).HasColumnName("mfa_transaction_id");
        b.Property(c => c.UserVerification).HasColumnName("user_verification");
        b.Property(c => c.Decoy).HasColumnName("decoy");
        b.Property(c => c.Created).HasColumnName("created");
        b.Property(c => c.ExpiresAt).HasColumnName("expires_at");
        b.Property(c => c.UsedAt).HasColumnName("used_at");
    }
}
