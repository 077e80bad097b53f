namespace DirectAuth.Server.Storage;

/// <summary>Rows that may be deleted once expired. Each feature with expiring rows registers one.</summary>
public interface IExpiringRows
{
    Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct);
}
