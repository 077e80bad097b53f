using DirectAuth.Protocol;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>A device's event-stream proof (its <c>jti</c>), remembered until it could no longer be fresh, so it opens one stream only.</summary>
public sealed class PushDeviceProof
{
    public required string FactorId { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>Takes each device proof's jti once (event-stream connects, pending fetches, push token updates).</summary>
public static class PushDeviceProofs
{
    /// <summary>Records the proof's jti until <paramref name="expiresAt"/>; false when it was used before (a replay).</summary>
    public static async Task<bool> RememberAsync(DirectAuthDb db, string factorId, string jti, DateTimeOffset expiresAt, CancellationToken ct)
    {
        if (await db.Set<PushDeviceProof>().AnyAsync(p => p.FactorId == factorId && p.Jti == jti, ct)) return false;
        var proof = db.Add(new PushDeviceProof { FactorId = factorId, Jti = jti, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            proof.State = EntityState.Detached; // the same proof raced in twice: the primary key let one through
            return false;
        }
    }
}

internal sealed class PushDeviceProofConfiguration : IEntityTypeConfiguration<PushDeviceProof>
{
    public void Configure(EntityTypeBuilder<PushDeviceProof> b)
    {
        b.ToTable("push_device_proofs");
        b.HasKey(p => new { p.FactorId, p.Jti });
        b.Property(p => p.FactorId).HasColumnName("factor_id");
        b.Property(p => p.Jti).HasColumnName("jti");
        b.Property(p => p.ExpiresAt).HasColumnName("expires_at");
    }
}

/// <summary>
/// Deletes what has served its purpose: used stream proofs once they could no longer be fresh, and
/// transactions once they ended long enough ago that neither the push limits nor the number challenge
/// after a denial look at them any more. Each pass also marks the pushes that expired unanswered since the last
/// one (<c>resolved_at</c> set to their expiry) and adds the rows it marked to <c>directauth.push.expired</c>: one
/// statement, so a push is counted once even when several instances clean up at the same moment.
/// </summary>
internal sealed class OutOfBandExpiringRows(Microsoft.Extensions.Options.IOptions<OutOfBandOptions> options, DirectAuthMetrics metrics) : IExpiringRows
{
    public async Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct)
    {
        var push = options.Value.Push;
        var keep = TimeSpan.FromSeconds(Math.Max(push.WindowSeconds, push.NumberChallengeAfterDenialSeconds));
        var before = now - keep;
        var n = await db.Set<PushDeviceProof>().Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(ct);
        metrics.PushesExpired(await db.Set<OobTransaction>()
            .Where(t => t.ExpiresAt <= now && t.ResolvedAt == null && t.Status == OobStatus.Pending && t.Channel == Channels.Push && t.UserId != null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.ResolvedAt, t => t.ExpiresAt), ct));
        n += await db.Set<OobTransaction>().Where(t => t.ExpiresAt < before).ExecuteDeleteAsync(ct);
        return n;
    }
}
