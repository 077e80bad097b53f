using System.Net;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.OutOfBand.Processes;
using Npgsql;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 1: liveness and readiness for load balancers, on the built server as its own process. Readiness
/// asks the database (and on PostgreSQL the push listener); with the database gone it answers 503, and 200 again
/// once the database is back, without a restart.
/// </summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, response);
    }

    [Fact]
    public async Task LiveAndReady_RunningServer_200WithEachCheckNamedAndNotCached()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database);
        using var http = server.Client();

        foreach (var path in new[] { "/health/live", "/healthz" })
        {
            var (status, body, response) = await GetAsync(http, path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.Empty(body.GetProperty("checks").EnumerateObject());
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
        foreach (var path in new[] { "/health/ready", "/readyz", "/health" })
        {
            var (status, body, response) = await GetAsync(http, path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("push-bus").GetString());
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [PostgresFact("the database is taken away from a running server")]
    public async Task Ready_PostgresRefusesConnections_503ThenBackTo200WhenItAllowsThemAgain()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database);
        using var http = server.Client();
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var admin = Environment.GetEnvironmentVariable("DIRECTAUTH_TEST_PG")!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/health/ready")).Status);

        await SqlAsync(admin, $"ALTER DATABASE {name} ALLOW_CONNECTIONS false");
        await SqlAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        try
        {
            // The database check fails at once; the push listener notices its connection is gone a moment later.
            var down = await PollAsync(http, HttpStatusCode.ServiceUnavailable,
                until: b => b.GetProperty("checks").GetProperty("push-bus").GetString() == "Unhealthy");
            Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
            Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("database").GetString());
            Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("push-bus").GetString());
            Assert.DoesNotContain("does not allow connections", down.GetRawText(), StringComparison.OrdinalIgnoreCase); // reasons go to the log only
            var (liveStatus, _, _) = await GetAsync(http, "/health/live");
            Assert.Equal(HttpStatusCode.OK, liveStatus); // the process is alive: restarting it would not help
        }
        finally
        {
            await SqlAsync(admin, $"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
        }
        var up = await PollAsync(http, HttpStatusCode.OK, seconds: 40); // the listener reconnects with backoff (up to 10 s)
        Assert.Equal("Healthy", up.GetProperty("checks").GetProperty("push-bus").GetString());
        Assert.Contains("Not ready: the database did not answer", server.Output, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PollAsync(HttpClient http, HttpStatusCode wanted, int seconds = 20, Func<JsonElement, bool>? until = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var (status, body, _) = await GetAsync(http, "/health/ready");
            if (status == wanted && (until is null || until(body))) return body;
            if (DateTime.UtcNow > deadline) Assert.Fail($"/health/ready kept answering {(int)status} {body.GetRawText()}, not {(int)wanted}");
            await Task.Delay(250);
        }
    }

    private static async Task SqlAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
