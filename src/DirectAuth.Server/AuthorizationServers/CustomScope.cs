using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.AuthorizationServers;

/// <summary>
/// The description of a custom scope. Whether a server has the scope is decided by
/// <see cref="AuthorizationServer.CustomScopes"/> (read on every token request); this row only describes it.
/// </summary>
public sealed class CustomScope
{
    public required string Id { get; set; }
    public required string ServerId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset Created { get; set; }
}

internal sealed class CustomScopeConfiguration : IEntityTypeConfiguration<CustomScope>
{
    public void Configure(EntityTypeBuilder<CustomScope> b)
    {
        b.ToTable("custom_scopes");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("id");
        b.Property(s => s.ServerId).HasColumnName("server_id");
        b.Property(s => s.Name).HasColumnName("name");
        b.Property(s => s.Description).HasColumnName("description");
        b.Property(s => s.Created).HasColumnName("created");
        b.HasIndex(s => new { s.ServerId, s.Name }).IsUnique();
    }
}
