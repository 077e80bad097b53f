using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Policies;

/// <summary>
/// The safe default every app starts with: password as the primary factor, and a second factor whenever
/// the user has an active one (any kind counts, recovery codes included), and a push always asks for the
/// number the client shows (NIST SP 800-63B-4 §3.1.3 no longer accepts an approve-only push). The default
/// policy is stored the first time the policies API touches it; until then sign-ins use the same values from here.
/// </summary>
public static class PolicyDefaults
{
    public const string CatchAllName = "Catch-all Rule";
    public const string DefaultCatchAllId = "default-catch-all";
    public const string PrimaryFactors = "password webauthn";
    public const string SecondFactor = SecondFactorModes.IfEnrolled;
    public static readonly string SecondFactors = string.Join(' ', FactorKinds.SecondNames);
    public const string NumberChallenge = NumberChallengeModes.Always;

    public static PolicyRule CatchAll(string policyId, string ruleId, DateTimeOffset now) => new()
    {
        Id = ruleId,
        PolicyId = policyId,
        Name = CatchAllName,
        Priority = int.MaxValue,
        IsCatchAll = true,
        PrimaryFactors = PrimaryFactors,
        SecondFactor = SecondFactor,
        SecondFactors = SecondFactors,
        NumberChallenge = NumberChallenge,
        Created = now,
        LastUpdated = now,
    };

    public static AuthPolicy DefaultPolicy(DateTimeOffset now) => new()
    {
        Id = AuthPolicy.DefaultId,
        Name = "Default Policy",
        Description = "Used by every app that has no policy of its own.",
        IsDefault = true,
        Created = now,
        LastUpdated = now,
    };

    /// <summary>Stores the default policy and its catch-all rule if they are not stored yet (safe when several instances race).</summary>
    public static async Task EnsureStoredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Set<AuthPolicy>().AnyAsync(p => p.Id == AuthPolicy.DefaultId, ct)) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(DefaultPolicy(now));
        db.Add(CatchAll(AuthPolicy.DefaultId, DefaultCatchAllId, now));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request stored it first.
            await tx.RollbackAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A new rule id.</summary>
    public static string NewRuleId() => Secrets.NewId("rul");
}
