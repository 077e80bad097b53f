using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>docs/grafana/directauth.json queries the metrics under the names operations.md documents (as exported).</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public void GrafanaDashboard_ValidJsonAndEveryDirectAuthMetricItQueriesIsDocumented()
    {
        var dashboard = File.ReadAllText(Path.Combine(Built.RepositoryRoot, "docs", "grafana", "directauth.json"));
        using var json = JsonDocument.Parse(dashboard);
        Assert.Equal("DirectAuth", json.RootElement.GetProperty("title").GetString());
        var operations = File.ReadAllText(Path.Combine(Built.RepositoryRoot, "docs", "operations.md"));
        var documented = MetricName().Matches(operations).Select(m => m.Value).ToHashSet();
        var queried = json.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .SelectMany(e => MetricName().Matches(e).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")))
            .ToHashSet();
        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains(name, documented));
        Assert.Contains("directauth_token_requests_total", queried);
    }

    [GeneratedRegex(@"directauth_[a-z_]+")]
    private static partial Regex MetricName();
}
