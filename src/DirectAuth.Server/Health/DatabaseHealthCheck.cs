using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DirectAuth.Server.Health;

/// <summary>Readiness: the database answers a query within the check's timeout (SQLite or PostgreSQL).</summary>
public sealed class DatabaseHealthCheck(IServiceScopeFactory scopes, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason goes to the log only: the answer is public and says no more than "not ready".
            logger.LogWarning("Not ready: the database did not answer ({Reason})", e.GetBaseException().Message);
            return HealthCheckResult.Unhealthy("The database did not answer.");
        }
    }
}
