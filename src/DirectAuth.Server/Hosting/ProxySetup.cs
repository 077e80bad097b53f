using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace DirectAuth.Server.Hosting;

/// <summary>
/// <c>Proxy:KnownProxies</c> (addresses) and <c>Proxy:KnownNetworks</c> (CIDR), comma-separated: requests that come
/// from one of them have their <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> applied,
/// so the client's address (rate limits, system log) and, when <c>PublicUrl</c> is empty, the issuer are the ones the
/// proxy saw. Empty (the default): forwarded headers are ignored, whoever sends them (docs/operations.md).
/// </summary>
public static class ProxySetup
{
    public static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks, List<string> Problems) Parse(IConfiguration configuration)
    {
        var problems = new List<string>();
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var value in Split(configuration["Proxy:KnownProxies"]))
            if (IPAddress.TryParse(value, out var address)) proxies.Add(address);
            else problems.Add($"Proxy:KnownProxies: '{value}' is not an IP address.");
        foreach (var value in Split(configuration["Proxy:KnownNetworks"]))
            if (System.Net.IPNetwork.TryParse(value, out var network)) networks.Add(network);
            else problems.Add($"Proxy:KnownNetworks: '{value}' is not a network in CIDR notation (e.g. 10.0.0.0/8).");
        return (proxies, networks, problems);
    }

    /// <summary>Configures the forwarded-headers middleware; false when no proxy is configured (nothing to add).</summary>
    public static bool Configure(IServiceCollection services, IConfiguration configuration)
    {
        var (proxies, networks, problems) = Parse(configuration);
        if (problems.Count > 0) throw new StartupFailedException(problems, StartupFailedException.ConfigurationExitCode);
        if (proxies.Count == 0 && networks.Count == 0) return false;
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in proxies) o.KnownProxies.Add(p);
            foreach (var n in networks) o.KnownIPNetworks.Add(n);
            o.ForwardLimit = null; // every hop from a known proxy is taken, up to the first that is not one
        });
        return true;
    }

    private static string[] Split(string? value) =>
        (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
