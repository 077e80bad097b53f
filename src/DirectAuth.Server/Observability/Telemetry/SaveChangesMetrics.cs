using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DirectAuth.Server.Observability.Telemetry;

/// <summary>Rows per SaveChanges (<c>directauth.db.write.batch_size</c>) and a <c>directauth.storage.save</c> span around each.</summary>
public sealed class SaveChangesMetrics(DirectAuthMetrics metrics) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, Activity> _spans = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Saving(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Saving(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        End(eventData.Context, null);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        End(eventData.Context, null);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.Context, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => End(eventData.Context, eventData.Exception);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.Context, null);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => End(eventData.Context, null);

    private void Saving(DbContext? db)
    {
        if (db is null) return;
        var rows = db.ChangeTracker.Entries().Count(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted);
        if (rows > 0) metrics.WriteBatch(rows);
        if (DirectAuthActivities.Start("directauth.storage.save") is { } span)
        {
            span.SetTag("db.rows", rows);
            _spans.AddOrUpdate(db, span);
        }
    }

    private void End(DbContext? db, Exception? failure)
    {
        if (db is null || !_spans.TryGetValue(db, out var span)) return;
        _spans.Remove(db);
        if (failure is not null) span.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        span.Dispose();
    }
}
