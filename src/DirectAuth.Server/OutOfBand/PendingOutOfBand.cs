using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.OutOfBand;

/// <summary>The pending, unexpired out-of-band transactions, for <see cref="DirectAuthMetrics"/>.</summary>
internal sealed class PendingOutOfBand : IPendingOutOfBand
{
    public int CountPending(DirectAuthDb db, DateTimeOffset now) =>
        db.Set<OobTransaction>().Count(t => t.Status == OobStatus.Pending && t.ExpiresAt > now);
}
