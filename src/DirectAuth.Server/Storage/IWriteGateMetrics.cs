namespace DirectAuth.Server.Storage;

/// <summary>
/// Where the SQLite write gate reports how long each writer waited for it. Storage owns the interface so the
/// kernel's lower layer does not use Observability; the server's metrics implement it.
/// </summary>
public interface IWriteGateMetrics
{
    void WriteGateWaited(TimeSpan waited);
}
