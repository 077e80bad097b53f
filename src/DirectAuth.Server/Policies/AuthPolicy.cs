using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Policies;

/// <summary>
/// An authentication policy: an ordered list of rules; the first rule that matches the user decides how
/// they sign in to the apps the policy is assigned to. Every policy ends with a catch-all rule. The
/// default policy (id <see cref="DefaultId"/>) applies to every app without an assignment.
/// </summary>
public sealed class AuthPolicy
{
    public const string DefaultId = "default";

    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool IsDefault { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }
}

/// <summary>Values of <see cref="PolicyRule.SecondFactor"/>.</summary>
public static class SecondFactorModes
{
    /// <summary>Every sign-in needs a second factor; a user with none the rule accepts cannot sign in.</summary>
    public const string Required = "required";
    /// <summary>A second factor is needed when the user has an active factor the rule accepts (the default).</summary>
    public const string IfEnrolled = "if_enrolled";
    /// <summary>The primary factor is enough.</summary>
    public const string None = "none";

    public static readonly string[] All = [Required, IfEnrolled, None];
}

/// <summary>Values of <see cref="PolicyRule.NumberChallenge"/>: when a push asks the user to pick the number the client shows.</summary>
public static class NumberChallengeModes
{
    /// <summary>Approve-only push: below NIST SP 800-63B-4 §3.1.3 (kept as a choice).</summary>
    public const string Never = "never";
    /// <summary>Every push asks for the number (the default).</summary>
    public const string Always = "always";
    /// <summary>Only when the sign-in looks risky (the out-of-band feature decides what is risky): below NIST SP 800-63B-4 §3.1.3 for the pushes it lets through approve-only.</summary>
    public const string Risky = "risky";

    public static readonly string[] All = [Never, Always, Risky];
}

/// <summary>One rule of a policy. Lists are stored space separated.</summary>
public sealed class PolicyRule
{
    public required string Id { get; set; }
    public required string PolicyId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower runs first; the catch-all rule always runs last.</summary>
    public int Priority { get; set; }
    public bool IsCatchAll { get; set; }
    /// <summary>Group ids the rule applies to; empty: everyone.</summary>
    public string GroupIds { get; set; } = "";
    /// <summary>Allowed primary factors: password, otp, oob:push, oob:sms, oob:voice.</summary>
    public required string PrimaryFactors { get; set; }
    /// <summary>See <see cref="SecondFactorModes"/>.</summary>
    public required string SecondFactor { get; set; }
    /// <summary>Factors that count as the second factor: otp, push, sms, voice, recovery_code.</summary>
    public required string SecondFactors { get; set; }
    /// <summary>See <see cref="NumberChallengeModes"/>.</summary>
    public required string NumberChallenge { get; set; }
    /// <summary>
    /// Whether a passkey used with user verification (something the user has, unlocked by something they know
    /// or are) satisfies the rule on its own, a second factor required or not (default true, PROTOCOL.md section 9).
    /// </summary>
    public bool PasskeyCountsAsTwoFactors { get; set; } = true;
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }

    public IReadOnlyList<string> GroupIdList => Split(GroupIds);
    public IReadOnlyList<string> PrimaryFactorList => Split(PrimaryFactors);
    public IReadOnlyList<string> SecondFactorList => Split(SecondFactors);

    public static IReadOnlyList<string> Split(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Which policy an app uses (no row: the default policy).</summary>
public sealed class AppPolicy
{
    public required string ClientId { get; set; }
    public required string PolicyId { get; set; }
    public DateTimeOffset Assigned { get; set; }
}

internal sealed class AuthPolicyConfiguration : IEntityTypeConfiguration<AuthPolicy>
{
    public void Configure(EntityTypeBuilder<AuthPolicy> b)
    {
        b.ToTable("auth_policies");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasColumnName("id");
        b.Property(p => p.Name).HasColumnName("name");
        b.Property(p => p.Description).HasColumnName("description");
        b.Property(p => p.IsDefault).HasColumnName("is_default");
        b.Property(p => p.Created).HasColumnName("created");
        b.Property(p => p.LastUpdated).HasColumnName("last_updated");
    }
}

internal sealed class PolicyRuleConfiguration : IEntityTypeConfiguration<PolicyRule>
{
    public void Configure(EntityTypeBuilder<PolicyRule> b)
    {
        b.ToTable("auth_policy_rules");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasColumnName("id");
        b.Property(r => r.PolicyId).HasColumnName("policy_id");
        b.HasIndex(r => r.PolicyId);
        b.Property(r => r.Name).HasColumnName("name");
        b.Property(r => r.Priority).HasColumnName("priority");
        b.Property(r => r.IsCatchAll).HasColumnName("is_catch_all");
        b.Property(r => r.GroupIds).HasColumnName("group_ids");
        b.Property(r => r.PrimaryFactors).HasColumnName("primary_factors");
        b.Property(r => r.SecondFactor).HasColumnName("second_factor");
        b.Property(r => r.SecondFactors).HasColumnName("second_factors");
        b.Property(r => r.NumberChallenge).HasColumnName("number_challenge");
        b.Property(r => r.PasskeyCountsAsTwoFactors).HasColumnName("passkey_counts_as_two_factors");
        b.Property(r => r.Created).HasColumnName("created");
        b.Property(r => r.LastUpdated).HasColumnName("last_updated");
        b.Ignore(r => r.GroupIdList);
        b.Ignore(r => r.PrimaryFactorList);
        b.Ignore(r => r.SecondFactorList);
    }
}

internal sealed class AppPolicyConfiguration : IEntityTypeConfiguration<AppPolicy>
{
    public void Configure(EntityTypeBuilder<AppPolicy> b)
    {
        b.ToTable("app_policies");
        b.HasKey(a => a.ClientId);
        b.Property(a => a.ClientId).HasColumnName("client_id");
        b.Property(a => a.PolicyId).HasColumnName("policy_id");
        b.Property(a => a.Assigned).HasColumnName("assigned");
    }
}
