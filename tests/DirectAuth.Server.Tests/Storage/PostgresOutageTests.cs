using System.Diagnostics;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>
/// A real PostgreSQL outage: the server's own throwaway PostgreSQL (scripts/throwaway-postgres) is stopped
/// under it and started again. While it is down every request gets an Okta-shaped 503 with Retry-After and
/// the log one line; once it is back the server answers again by itself. Runs in both suite runs (it brings
/// its own PostgreSQL server, so it cannot disturb the one the other tests share).
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private string _pgDir = null!;
    private TestDatabase _dataDirectory = null!;
    private TestServerFactory _factory = null!;
    private HttpClient _http = null!;
    private readonly CapturedLog _log = new();

    public async Task InitializeAsync()
    {
        var started = await ScriptAsync();
        var values = started.Trim().Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        _pgDir = values["PGDIR"];
        _dataDirectory = await TestDatabase.CreateAsync();
        _factory = new TestServerFactory(_dataDirectory, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = $"Host=127.0.0.1;Port={values["PGPORT"]};Username=postgres;Database=postgres;Timeout=3",
            ["Logging:LogLevel:DirectAuth"] = "Information",
        });
        _http = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_log))).CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        await _dataDirectory.DisposeAsync();
        await ScriptAsync("stop", _pgDir);
    }

    [Fact]
    public async Task Postgres_ServerStoppedThenStarted_503WithRetryAfterOneLogLineThenRecovers()
    {
        Assert.Equal(200, (int)(await SendAdminAsync()).StatusCode);
        var logged = _log.Entries.Count;

        await ScriptAsync("pause", _pgDir);
        for (var i = 0; i < 5; i++)
        {
            var response = i % 2 == 0
                ? await SendAdminAsync()
                : await _http.PostRawAsync(Token, "grant_type=password&client_id=0oaSomeClient0000000&username=a&password=b&scope=openid");
            var body = await AssertOktaErrorAsync(response, 503, "E0000010");
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.False(body.TryGetProperty("error", out _));
        }
        // One line for the requests, and the push listener's one line for its lost connection; no stack trace.
        var line = Assert.Single(_log.Entries.Skip(logged), e => e.Level >= LogLevel.Error);
        Assert.StartsWith("The database is unavailable (", line.Message, StringComparison.Ordinal);
        Assert.All(_log.Entries.Skip(logged).Where(e => e.Level >= LogLevel.Warning), e => Assert.Null(e.Exception));
        Assert.True(_log.Entries.Skip(logged).Count(e => e.Level == LogLevel.Warning) <= 1, string.Join("\n", _log.Entries.Skip(logged).Select(e => e.Message)));

        await ScriptAsync("resume", _pgDir);
        // Connections broken by the stop are dropped from the pool as they are found; no restart is needed.
        var back = 0;
        for (var attempt = 0; attempt < 20 && back != 200; attempt++) back = (int)(await SendAdminAsync()).StatusCode;
        Assert.Equal(200, back);
        _factory.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(200, (int)(await SendAdminAsync()).StatusCode);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("The database is available again", StringComparison.Ordinal));
        Assert.Single(_log.Entries.Skip(logged), e => e.Level >= LogLevel.Error);
    }

    private Task<HttpResponseMessage> SendAdminAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Authorization = new("SSWS", TestServerFactory.AdminToken);
        return _http.SendAsync(request);
    }

    /// <summary>Runs scripts/throwaway-postgres with the arguments; returns its output.</summary>
    private static async Task<string> ScriptAsync(params string[] arguments)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DirectAuth.slnx"))) root = root.Parent!;
        var start = new ProcessStartInfo(Path.Combine(root.FullName, "scripts", "throwaway-postgres"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"throwaway-postgres {string.Join(' ', arguments)}: {await stderr}");
        return await stdout;
    }
}
