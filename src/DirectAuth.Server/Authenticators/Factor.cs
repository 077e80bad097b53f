using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Authenticators;

/// <summary>Okta factor types (the <c>factorType</c> of the Factors API) that DirectAuth serves.</summary>
public static class FactorTypes
{
    public const string Totp = "token:software:totp";
    public const string Push = "push";
    public const string Sms = "sms";
    public const string Call = "call";
    /// <summary>A passkey (provider FIDO); the credential lives in <c>Passkeys/WebAuthnCredential</c>.</summary>
    public const string Webauthn = "webauthn";
}

public static class FactorStatus
{
    public const string PendingActivation = "PENDING_ACTIVATION";
    public const string Active = "ACTIVE";
}

/// <summary>
/// One authenticator enrolled by a user (Okta: a factor). Columns shared by all types; what is specific
/// to a type lives in <see cref="Profile"/> (public facts, JSON) and <see cref="SealedSecret"/> (a secret,
/// sealed with the master key). Deleted with its user (foreign key cascade).
/// </summary>
public sealed class Factor
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required string FactorType { get; set; }
    /// <summary>Okta's provider name: GOOGLE or OKTA for TOTP, OKTA for push, sms and call.</summary>
    public required string Provider { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }
    /// <summary>The Okta factor <c>profile</c> as a JSON object (e.g. phoneNumber, credentialId, deviceName).</summary>
    public string? Profile { get; set; }
    /// <summary>A secret sealed with <c>SecretProtector</c> (e.g. the TOTP seed); never leaves the server.</summary>
    public byte[]? SealedSecret { get; set; }
    /// <summary>A public key registered by a device (the push authenticator's P-256 JWK).</summary>
    public string? PublicKey { get; set; }
    /// <summary>TOTP: the last time step accepted, so no code is accepted twice.</summary>
    public long? LastUsedStep { get; set; }
    /// <summary>Wrong codes in the current window, for the per-authenticator attempt limit.</summary>
    public int FailedAttempts { get; set; }
    public DateTimeOffset? FailureWindowStart { get; set; }
    /// <summary>SHA-256 of a pending activation secret (push activation code, code sent to a phone).</summary>
    public byte[]? ActivationHash { get; set; }
    public DateTimeOffset? ActivationExpiresAt { get; set; }
    /// <summary>Push: how the device is woken (<c>apns</c>, <c>fcm</c>, <c>sse</c>; null before activation).</summary>
    public string? PushPlatform { get; set; }
    /// <summary>Push: the APNs device token or FCM registration token; null when none (or the provider rejected it).</summary>
    public string? PushToken { get; set; }
}

internal sealed class FactorConfiguration : IEntityTypeConfiguration<Factor>
{
    public void Configure(EntityTypeBuilder<Factor> b)
    {
        b.ToTable("factors");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasColumnName("id");
        b.Property(f => f.UserId).HasColumnName("user_id");
        b.HasIndex(f => f.UserId);
        b.Property(f => f.FactorType).HasColumnName("factor_type");
        b.Property(f => f.Provider).HasColumnName("provider");
        b.Property(f => f.Status).HasColumnName("status");
        b.Property(f => f.Created).HasColumnName("created");
        b.Property(f => f.LastUpdated).HasColumnName("last_updated");
        b.Property(f => f.Profile).HasColumnName("profile");
        b.Property(f => f.SealedSecret).HasColumnName("sealed_secret");
        b.Property(f => f.PublicKey).HasColumnName("public_key");
        b.Property(f => f.LastUsedStep).HasColumnName("last_used_step");
        b.Property(f => f.FailedAttempts).HasColumnName("failed_attempts");
        b.Property(f => f.FailureWindowStart).HasColumnName("failure_window_start");
        b.Property(f => f.ActivationHash).HasColumnName("activation_hash");
        b.Property(f => f.ActivationExpiresAt).HasColumnName("activation_expires_at");
        b.Property(f => f.PushPlatform).HasColumnName("push_platform");
        b.Property(f => f.PushToken).HasColumnName("push_token");
    }
}
