using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Transactions;

/// <summary>
/// A sign-in waiting for its second factor (the <c>mfa_token</c> of an <c>mfa_required</c> answer).
/// Only the SHA-256 of the token is stored. Bound to the server, client and user, the requested scopes and
/// what was proven so far; it allows a few wrong codes and is used once.
/// </summary>
public sealed class MfaTransaction
{
    public required string Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string ServerId { get; set; }
    public required string ClientId { get; set; }
    public required string UserId { get; set; }
    /// <summary>Requested (and checked) scopes, space separated.</summary>
    public required string Scopes { get; set; }
    /// <summary><c>amr</c> of the primary factor, space separated.</summary>
    public required string Amr { get; set; }
    /// <summary>The primary factor's kind (<c>FactorKinds</c>).</summary>
    public required string PrimaryFactor { get; set; }
    /// <summary>Factor kinds that may complete this sign-in, space separated (policy ∩ enrolled ∩ what the client can use).</summary>
    public required string SecondFactors { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    /// <summary>Set, atomically, when tokens were issued.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> AmrList => Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> SecondFactorList => SecondFactors.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whether <paramref name="kind"/> (e.g. <c>otp</c>, <c>push</c>) may complete this sign-in.</summary>
    public bool Accepts(string kind) => SecondFactorList.Contains(kind, StringComparer.Ordinal);
}

internal sealed class MfaTransactionConfiguration : IEntityTypeConfiguration<MfaTransaction>
{
    public void Configure(EntityTypeBuilder<MfaTransaction> b)
    {
        b.ToTable("mfa_transactions");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasColumnName("id");
        b.Property(t => t.TokenHash).HasColumnName("token_hash");
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.Property(t => t.ServerId).HasColumnName("server_id");
        b.Property(t => t.ClientId).HasColumnName("client_id");
        b.Property(t => t.UserId).HasColumnName("user_id");
        b.Property(t => t.Scopes).HasColumnName("scopes");
        b.Property(t => t.Amr).HasColumnName("amr");
        b.Property(t => t.PrimaryFactor).HasColumnName("primary_factor");
        b.Property(t => t.SecondFactors).HasColumnName("second_factors");
        b.Property(t => t.Created).HasColumnName("created");
        b.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        b.Property(t => t.FailedAttempts).HasColumnName("failed_attempts");
        b.Property(t => t.CompletedAt).HasColumnName("completed_at");
        b.Ignore(t => t.ScopeList);
        b.Ignore(t => t.AmrList);
        b.Ignore(t => t.SecondFactorList);
    }
}
