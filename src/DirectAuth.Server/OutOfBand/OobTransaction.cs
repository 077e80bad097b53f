using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// Stored states of an out-of-band transaction. "Expired" is not stored: a transaction is expired when
/// <see cref="OobTransaction.ExpiresAt"/> has passed, whatever its status, so no job has to flip rows.
/// </summary>
public static class OobStatus
{
    /// <summary>Waiting for the user (push) or the binding code (prompt).</summary>
    public const string Pending = "pending";
    /// <summary>The user approved on the device; the next poll consumes it and gets the tokens.</summary>
    public const string Approved = "approved";
    /// <summary>The user denied, picked a wrong number, said "this wasn't me", or ran out of binding code tries.</summary>
    public const string Denied = "denied";
    /// <summary>Tokens were issued for it; it answers like an expired one from now on.</summary>
    public const string Consumed = "consumed";
}

/// <summary>
/// One out-of-band transaction (<c>oob_code</c>). The handle is stored only as its SHA-256; the binding
/// code only sealed. Bound to the authorization server, the client and (for MFA) the MFA transaction it
/// was issued for; bound to a user and factor unless it is a decoy (<see cref="UserId"/> null).
/// </summary>
public sealed class OobTransaction
{
    /// <summary>Database sequence; the SSE event id of the push, so a device can resume after it.</summary>
    public long Seq { get; set; }
    /// <summary>The public transaction id a device sees and signs its answer over.</summary>
    public required string Id { get; set; }
    public required byte[] CodeHash { get; set; }
    public required string ServerId { get; set; }
    public required string ClientId { get; set; }
    public string? MfaTransactionId { get; set; }
    /// <summary>Null for a decoy (unknown user, inactive user, or not enrolled in the channel).</summary>
    public string? UserId { get; set; }
    /// <summary>SHA-256 (hex) of the normalized login: per-user limits count decoys the same way.</summary>
    public required string LoginKey { get; set; }
    public string? FactorId { get; set; }
    public required string Channel { get; set; }
    public required string BindingMethod { get; set; }
    /// <summary>The binding code (and a push's number choices), sealed; null for <c>none</c>.</summary>
    public byte[]? BindingSealed { get; set; }
    public required string Status { get; set; }
    public string? StatusReason { get; set; }
    /// <summary>Seconds the client must wait between polls; grows by 5 with every <c>slow_down</c>.</summary>
    public int PollInterval { get; set; }
    public int FailedAttempts { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>When it ended: answered, denied, consumed, or (set by the expired-rows cleanup) a push that expired unanswered.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    public bool IsDecoy => UserId is null;
}

internal sealed class OobTransactionConfiguration : IEntityTypeConfiguration<OobTransaction>
{
    public void Configure(EntityTypeBuilder<OobTransaction> b)
    {
        b.ToTable("oob_transactions");
        b.HasKey(t => t.Seq);
        b.Property(t => t.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
        b.Property(t => t.Id).HasColumnName("id");
        b.HasIndex(t => t.Id).IsUnique();
        b.Property(t => t.CodeHash).HasColumnName("code_hash");
        b.HasIndex(t => t.CodeHash).IsUnique();
        b.Property(t => t.ServerId).HasColumnName("server_id");
        b.Property(t => t.ClientId).HasColumnName("client_id");
        b.Property(t => t.MfaTransactionId).HasColumnName("mfa_transaction_id");
        b.Property(t => t.UserId).HasColumnName("user_id");
        b.Property(t => t.LoginKey).HasColumnName("login_key");
        b.Property(t => t.FactorId).HasColumnName("factor_id");
        b.Property(t => t.Channel).HasColumnName("channel");
        b.Property(t => t.BindingMethod).HasColumnName("binding_method");
        b.Property(t => t.BindingSealed).HasColumnName("binding_sealed");
        b.Property(t => t.Status).HasColumnName("status");
        b.Property(t => t.StatusReason).HasColumnName("status_reason");
        b.Property(t => t.PollInterval).HasColumnName("poll_interval");
        b.Property(t => t.FailedAttempts).HasColumnName("failed_attempts");
        b.Property(t => t.IpAddress).HasColumnName("ip_address");
        b.Property(t => t.UserAgent).HasColumnName("user_agent");
        b.Property(t => t.Created).HasColumnName("created");
        b.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        b.Property(t => t.ResolvedAt).HasColumnName("resolved_at");
        b.Ignore(t => t.IsDecoy);
    }
}
