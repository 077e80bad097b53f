using System.Net;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DirectAuth.Server.Observability.Telemetry;

/// <summary>
/// Metrics and traces (docs/operations.md, "Metrics" and "Traces"). Metrics are scraped at <c>Metrics:Path</c>
/// (<c>/metrics</c>) in Prometheus exposition, from loopback addresses only unless <c>Metrics:AllowRemote</c>; behind a
/// proxy the client's forwarded address counts, so the proxy does not make /metrics public. <c>Metrics:Enabled=false</c>
/// turns the endpoint off. Traces (and metrics) go to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>Telemetry:Otlp:Endpoint</c> is set. Spans are always recorded so that log lines and system log events carry a trace id.
/// </summary>
public static class TelemetrySetup
{
    public static void AddDirectAuthTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DirectAuthMetrics>();
        services.AddSingleton<IWriteGateMetrics>(sp => sp.GetRequiredService<DirectAuthMetrics>());
        services.AddSingleton<SaveChangesMetrics>();
        services.AddSingleton<ISaveChangesInterceptor>(sp => sp.GetRequiredService<SaveChangesMetrics>());
        var otlp = OtlpSettings.Read(configuration);
        var metricsEnabled = configuration.GetValue("Metrics:Enabled", true);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("directauth"))
            .WithTracing(t =>
            {
                t.AddSource(DirectAuthActivities.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrapeOrHealth(http.Request.Path, configuration))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp is not null) t.AddOtlpExporter(o => otlp.Apply(o, "traces"));
            })
            .WithMetrics(m =>
            {
                m.AddMeter(DirectAuthMetrics.MeterName, "Npgsql")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (metricsEnabled) m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // each scrape current
                if (otlp is not null) m.AddOtlpExporter(o => otlp.Apply(o, "metrics"));
            });
    }

    public static void MapDirectAuthMetrics(this WebApplication app)
    {
        var configuration = app.Configuration;
        if (!configuration.GetValue("Metrics:Enabled", true)) return;
        var allowRemote = configuration.GetValue("Metrics:AllowRemote", false);
        var path = MetricsPath(configuration);
        app.UseWhen(http => http.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase), branch =>
        {
            branch.Use(async (http, next) =>
            {
                // Not for the world: an address that is not loopback gets the 404 any unknown path gets, and so does a
                // request a proxy passed on (forwarded headers left in it: a proxy not named in Proxy:KnownProxies).
                if (!allowRemote && (http.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip) || IsForwarded(http.Request.Headers)))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(http);
            });
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(path);
    }

    private static bool IsForwarded(IHeaderDictionary headers) =>
        headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Real-IP");

    private static string MetricsPath(IConfiguration configuration) => configuration["Metrics:Path"] is { Length: > 1 } p && p.StartsWith('/') ? p : "/metrics";

    private static bool IsScrapeOrHealth(PathString path, IConfiguration configuration) =>
        path.StartsWithSegments(MetricsPath(configuration)) || path.StartsWithSegments("/health") || path == "/healthz" || path == "/readyz";

    /// <summary>
    /// Where OTLP goes: <c>Telemetry:Otlp:Endpoint</c> (a collector's base address, e.g. <c>http://127.0.0.1:4318</c>) and
    /// <c>Telemetry:Otlp:Protocol</c> (<c>http/protobuf</c> or <c>grpc</c>), else the standard <c>OTEL_EXPORTER_OTLP_*</c>
    /// environment variables, which the exporter reads itself.
    /// </summary>
    private sealed record OtlpSettings(Uri? Endpoint, OtlpExportProtocol? Protocol)
    {
        public static OtlpSettings? Read(IConfiguration configuration)
        {
            var endpoint = configuration["Telemetry:Otlp:Endpoint"];
            var protocol = configuration["Telemetry:Otlp:Protocol"];
            if (string.IsNullOrEmpty(endpoint))
                return string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) ? null : new OtlpSettings(null, null);
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException("Telemetry:Otlp:Endpoint must be an absolute http or https URL.");
            return new OtlpSettings(uri, protocol switch
            {
                null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                "grpc" => OtlpExportProtocol.Grpc,
                _ => throw new InvalidOperationException("Telemetry:Otlp:Protocol must be http/protobuf or grpc."),
            });
        }

        public void Apply(OtlpExporterOptions o, string signal)
        {
            if (Endpoint is null) return;
            o.Protocol = Protocol ?? OtlpExportProtocol.HttpProtobuf;
            // Set in code, the HTTP exporter posts to the address as given: the signal's path is added here, as the
            // environment variable form does.
            o.Endpoint = o.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(Endpoint, Endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal) : Endpoint;
        }
    }
}
