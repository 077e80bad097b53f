using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DirectAuth.Server.Health;

/// <summary>
/// Liveness and readiness for load balancers and orchestrators (docs/operations.md): <c>/health/live</c> answers 200
/// while the process serves requests, checks nothing else; <c>/health/ready</c> answers 200 when the database answers
/// (and, on PostgreSQL, the push listener is connected), 503 otherwise. <c>/healthz</c> and <c>/readyz</c> are the same
/// two under their Kubernetes names, <c>/health</c> is readiness. Not rate limited, no authentication, no details
/// beyond each check's status (the reasons are in the log).
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddDirectAuthHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<PushBusHealthCheck>("push-bus", tags: [Ready]);
        return services;
    }

    public static void MapDirectAuthHealth(this IEndpointRouteBuilder app)
    {
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync };
        var ready = new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 },
        };
        foreach (var path in new[] { "/health/live", "/healthz" }) app.MapHealthChecks(path, live);
        foreach (var path in new[] { "/health/ready", "/readyz", "/health" }) app.MapHealthChecks(path, ready);
    }

    /// <summary><c>{"status":"Healthy","checks":{"database":"Healthy","push-bus":"Healthy"}}</c>, never cached.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }
}
