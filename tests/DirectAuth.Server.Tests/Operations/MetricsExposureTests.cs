using System.Net;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 2: who may scrape. /metrics answers loopback clients only: behind a known proxy the forwarded client
/// address counts, and a request a proxy passed on (forwarded headers left in it) is refused as well, so putting a
/// proxy in front does not publish the metrics. <c>Metrics:AllowRemote</c>, <c>Metrics:Path</c> and
/// <c>Metrics:Enabled</c> change that.
/// </summary>
public sealed class MetricsExposureTests
{
    private static async Task<HttpStatusCode> GetAsync(ServerProcess server, string path, string? forwardedFor = null)
    {
        using var http = server.Client();
        if (forwardedFor is not null) http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return (await http.GetAsync(path)).StatusCode;
    }

    [Fact]
    public async Task Default_LoopbackScrapes_ThroughKnownProxyOrUnknownProxy404()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var proxied = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string> { ["DIRECTAUTH_PROXY__KNOWNPROXIES"] = "127.0.0.1" });
        Assert.Equal(HttpStatusCode.OK, await GetAsync(proxied, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(proxied, "/metrics", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(proxied, "/METRICS/", "203.0.113.7"));
        await proxied.StopAsync();

        await using var unknownProxy = await ServerProcess.StartAsync(database);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(unknownProxy, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(unknownProxy, "/metrics", "203.0.113.7"));
    }

    [Fact]
    public async Task AllowRemoteAndOtherPath_ScrapedThereThroughAProxy_OldPathNotFound()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["DIRECTAUTH_PROXY__KNOWNPROXIES"] = "127.0.0.1", ["DIRECTAUTH_METRICS__ALLOWREMOTE"] = "true", ["DIRECTAUTH_METRICS__PATH"] = "/internal/metrics",
        });
        Assert.Equal(HttpStatusCode.OK, await GetAsync(server, "/internal/metrics", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(server, "/metrics"));
    }

    [Fact]
    public async Task Disabled_MetricsNotFound()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string> { ["DIRECTAUTH_METRICS__ENABLED"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(server, "/metrics"));
    }
}
