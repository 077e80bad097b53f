using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Groups;

/// <summary>A group of users (Okta: an OKTA_GROUP). Policy rules may target groups.</summary>
public sealed class Group
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Upper-invariant name, unique.</summary>
    public required string NormalizedName { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }
    public DateTimeOffset? LastMembershipUpdated { get; set; }
    /// <summary><see cref="OktaGroup"/>, or <see cref="BuiltIn"/> for Everyone.</summary>
    public string Type { get; set; } = OktaGroup;

    public const string OktaGroup = "OKTA_GROUP";
    public const string BuiltIn = "BUILT_IN";
    /// <summary>The built-in Everyone group: every user is a member (not stored per user), and it cannot be changed or deleted.</summary>
    public const string EveryoneId = "00geveryone";
    public const string EveryoneName = "Everyone";

    public bool IsEveryone => Id == EveryoneId;

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>One user in one group.</summary>
public sealed class GroupMember
{
    public required string GroupId { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset Added { get; set; }
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.ToTable("user_groups");
        b.HasKey(g => g.Id);
        b.Property(g => g.Id).HasColumnName("id");
        b.Property(g => g.Name).HasColumnName("name");
        b.Property(g => g.NormalizedName).HasColumnName("normalized_name");
        b.HasIndex(g => g.NormalizedName).IsUnique();
        b.Property(g => g.Description).HasColumnName("description");
        b.Property(g => g.Created).HasColumnName("created");
        b.Property(g => g.LastUpdated).HasColumnName("last_updated");
        b.Property(g => g.LastMembershipUpdated).HasColumnName("last_membership_updated");
        b.Property(g => g.Type).HasColumnName("group_type");
        b.Ignore(g => g.IsEveryone);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> b)
    {
        b.ToTable("group_members");
        b.HasKey(m => new { m.GroupId, m.UserId });
        b.Property(m => m.GroupId).HasColumnName("group_id");
        b.Property(m => m.UserId).HasColumnName("user_id");
        b.Property(m => m.Added).HasColumnName("added");
    }
}
