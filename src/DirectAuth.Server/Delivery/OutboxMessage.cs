using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// A text or call the <c>outbox</c> provider "sent": kept in the database instead of reaching a phone, so a
/// developer, the docs and the tests can read the code (<c>GET /api/v1/outbox</c>, <c>directauth admin outbox</c>).
/// It holds the code in clear on purpose — it is the phone's inbox — which is why the outbox is for
/// development and tests, and why rows are deleted after <c>Delivery:Outbox:RetentionMinutes</c>.
/// </summary>
public sealed class OutboxMessage
{
    public required string Id { get; set; }
    /// <summary><c>sms</c> or <c>voice</c>.</summary>
    public required string Channel { get; set; }
    public required string Recipient { get; set; }
    public required string Text { get; set; }
    public required string Code { get; set; }
    public required string Purpose { get; set; }
    public string? UserId { get; set; }
    public DateTimeOffset Created { get; set; }
    /// <summary>When the row is deleted (not when the code expires).</summary>
    public DateTimeOffset DeleteAfter { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).HasColumnName("id");
        b.Property(m => m.Channel).HasColumnName("channel");
        b.Property(m => m.Recipient).HasColumnName("recipient");
        b.Property(m => m.Text).HasColumnName("text");
        b.Property(m => m.Code).HasColumnName("code");
        b.Property(m => m.Purpose).HasColumnName("purpose");
        b.Property(m => m.UserId).HasColumnName("user_id");
        b.Property(m => m.Created).HasColumnName("created");
        b.Property(m => m.DeleteAfter).HasColumnName("delete_after");
    }
}

internal sealed class OutboxExpiringRows : IExpiringRows
{
    public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct) =>
        db.Set<OutboxMessage>().Where(m => m.DeleteAfter < now).ExecuteDeleteAsync(ct);
}
