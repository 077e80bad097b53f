using DirectAuth.Server.OutOfBand.Push;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DirectAuth.Server.Health;

/// <summary>
/// Readiness on PostgreSQL: the push listener (LISTEN on <see cref="PostgresPushBus.ChannelName"/>) is connected, so a
/// push started on another instance reaches devices connected to this one. On SQLite there is no bus: always healthy.
/// </summary>
public sealed class PushBusHealthCheck(PostgresPushBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(bus.Listening
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The PostgreSQL push listener is not connected; it is reconnecting."));
}
