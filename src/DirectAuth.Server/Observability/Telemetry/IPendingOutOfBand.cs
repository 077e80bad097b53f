using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Observability.Telemetry;

/// <summary>Counts the out-of-band transactions waiting for the user (the <c>directauth.oob.pending</c> gauge); the out-of-band feature registers it.</summary>
public interface IPendingOutOfBand
{
    int CountPending(DirectAuthDb db, DateTimeOffset now);
}
