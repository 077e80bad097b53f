using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Observability;

/// <summary>One system log entry (Okta System Log shaped). Never holds a secret.</summary>
public sealed class AuditEvent
{
    public required string Id { get; set; }
    public DateTimeOffset Published { get; set; }
    public required string EventType { get; set; }
    /// <summary>SUCCESS, FAILURE, DENY or ALLOW.</summary>
    public required string Outcome { get; set; }
    public string? Reason { get; set; }
    /// <summary>INFO or WARN.</summary>
    public string Severity { get; set; } = "INFO";
    public required string DisplayMessage { get; set; }
    public string? ActorId { get; set; }
    public string? ActorType { get; set; }
    public string? ActorAlternateId { get; set; }
    public string? TargetId { get; set; }
    public string? TargetType { get; set; }
    public string? TargetAlternateId { get; set; }
    public string? ClientId { get; set; }
    public string? IpAddress { get; set; }
    /// <summary>Extra facts as a JSON object of strings.</summary>
    public string? Details { get; set; }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasColumnName("id");
        b.Property(e => e.Published).HasColumnName("published");
        b.HasIndex(e => e.Published);
        b.Property(e => e.EventType).HasColumnName("event_type");
        b.Property(e => e.Outcome).HasColumnName("outcome");
        b.Property(e => e.Reason).HasColumnName("reason");
        b.Property(e => e.Severity).HasColumnName("severity");
        b.Property(e => e.DisplayMessage).HasColumnName("display_message");
        b.Property(e => e.ActorId).HasColumnName("actor_id");
        b.Property(e => e.ActorType).HasColumnName("actor_type");
        b.Property(e => e.ActorAlternateId).HasColumnName("actor_alternate_id");
        b.Property(e => e.TargetId).HasColumnName("target_id");
        b.Property(e => e.TargetType).HasColumnName("target_type");
        b.Property(e => e.TargetAlternateId).HasColumnName("target_alternate_id");
        b.Property(e => e.ClientId).HasColumnName("client_id");
        b.Property(e => e.IpAddress).HasColumnName("ip_address");
        b.Property(e => e.Details).HasColumnName("details");
    }
}
