using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// A signed-in My Account page: the cookie carries a random handle, stored here only as its SHA-256. What the
/// session may do is what the access token it was started with said; it ends when that token would have.
/// </summary>
public sealed class PageSession
{
    public required string Id { get; set; }
    public required byte[] HandleHash { get; set; }
    public required string UserId { get; set; }
    public required string ClientId { get; set; }
    public required string ServerId { get; set; }
    /// <summary>The token's scopes, space separated.</summary>
    public required string Scopes { get; set; }
    /// <summary>The token's <c>amr</c>, space separated.</summary>
    public required string Amr { get; set; }
    /// <summary>The token's <c>acr</c>, when it had one.</summary>
    public string? Acr { get; set; }
    public DateTimeOffset AuthTime { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> AmrList => Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

internal sealed class PageSessionConfiguration : IEntityTypeConfiguration<PageSession>
{
    public void Configure(EntityTypeBuilder<PageSession> b)
    {
        b.ToTable("myaccount_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("id");
        b.Property(s => s.HandleHash).HasColumnName("handle_hash");
        b.HasIndex(s => s.HandleHash).IsUnique();
        b.Property(s => s.UserId).HasColumnName("user_id");
        b.Property(s => s.ClientId).HasColumnName("client_id");
        b.Property(s => s.ServerId).HasColumnName("server_id");
        b.Property(s => s.Scopes).HasColumnName("scopes");
        b.Property(s => s.Amr).HasColumnName("amr");
        b.Property(s => s.Acr).HasColumnName("acr");
        b.Property(s => s.AuthTime).HasColumnName("auth_time");
        b.Property(s => s.Created).HasColumnName("created");
        b.Property(s => s.ExpiresAt).HasColumnName("expires_at");
        b.Ignore(s => s.ScopeList);
        b.Ignore(s => s.AmrList);
    }
}
