using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>
/// With the database genuinely gone (SQLite file replaced by garbage; PostgreSQL connections killed and
/// the database renamed), requests get an Okta-shaped 503 — errorCode E0000010, errorSummary, errorLink,
/// errorId, errorCauses — with Retry-After, exact JSON and no-store; the log gets one line for the outage,
/// not a stack trace per request; and the server answers normally once the database is back.
/// </summary>
public sealed class StorageUnavailableTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestServerFactory _factory = null!;
    private HttpClient _http = null!;
    private readonly CapturedLog _log = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new TestServerFactory(_database, new Dictionary<string, string?> { ["Logging:LogLevel:DirectAuth"] = "Information" });
        _http = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_log))).CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Endpoints_StorageUnavailable_OktaShaped503RetryAfterOneLogLineThenRecover()
    {
        Assert.Equal(200, (int)(await SendAdminAsync("/api/v1/users")).StatusCode);
        var logged = _log.Entries.Count;

        await using (var outage = await Outage.StartAsync(_database))
        {
            var token = await _http.PostRawAsync(Token, "grant_type=password&client_id=0oaSomeClient0000000&username=a&password=b&scope=openid");
            var users = await SendAdminAsync("/api/v1/users");
            var introspect = await _http.PostRawAsync(Introspect, "client_id=0oaSomeClient0000000&token=x");
            var again = await SendAdminAsync("/api/v1/users");

            var ids = new List<string?>();
            foreach (var response in new[] { token, users, introspect, again })
            {
                var body = await AssertOktaErrorAsync(response, 503, "E0000010");
                Assert.Equal("Service unavailable: the database cannot be reached.", body.GetProperty("errorSummary").GetString());
                Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
                Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
                Assert.False(body.TryGetProperty("error", out _));
                ids.Add(body.GetProperty("errorId").GetString());
            }
            Assert.Equal(4, ids.Distinct().Count());
        }

        // One line for the four requests (on PostgreSQL also the push listener's one line for its lost connection), no stack trace.
        var outageLines = _log.Entries.Skip(logged).Where(e => e.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(outageLines, e => e.Level >= LogLevel.Error);
        Assert.StartsWith("The database is unavailable (", line.Message, StringComparison.Ordinal);
        Assert.All(outageLines, e => Assert.Null(e.Exception));
        Assert.True(outageLines.Count(e => e.Level == LogLevel.Warning) <= (TestDatabase.IsPostgres ? 1 : 0), string.Join("\n", outageLines.Select(e => e.Message)));
        Assert.Equal(200, (int)(await SendAdminAsync("/api/v1/users")).StatusCode);
        _factory.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(200, (int)(await SendAdminAsync("/api/v1/users")).StatusCode);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("The database is available again", StringComparison.Ordinal) && e.Message.Contains("4 requests were answered 503", StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> SendAdminAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("SSWS", TestServerFactory.AdminToken);
        return _http.SendAsync(request);
    }

    /// <summary>Makes the test database unreachable until disposed.</summary>
    private sealed class Outage : IAsyncDisposable
    {
        private readonly Func<Task> _restore;

        private Outage(Func<Task> restore) => _restore = restore;

        public ValueTask DisposeAsync() => new(_restore());

        public static async Task<Outage> StartAsync(TestDatabase database)
        {
            if (TestDatabase.IsPostgres)
            {
                var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
                var adminConnection = Environment.GetEnvironmentVariable("DIRECTAUTH_TEST_PG")!;
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(adminConnection, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
                await ExecuteAsync(adminConnection, $"ALTER DATABASE {name} RENAME TO {name}_gone");
                return new Outage(async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    await ExecuteAsync(adminConnection, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}_gone'");
                    await ExecuteAsync(adminConnection, $"ALTER DATABASE {name}_gone RENAME TO {name}");
                });
            }

            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            await using (var connection = new SqliteConnection(database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync();
            }
            SqliteConnection.ClearAllPools();
            var saved = await File.ReadAllBytesAsync(file);
            var garbage = new byte[saved.Length];
            new Random(42).NextBytes(garbage);
            await File.WriteAllBytesAsync(file, garbage);
            foreach (var side in new[] { file + "-wal", file + "-shm" }) File.Delete(side);
            return new Outage(async () =>
            {
                SqliteConnection.ClearAllPools();
                await File.WriteAllBytesAsync(file, saved);
                foreach (var side in new[] { file + "-wal", file + "-shm" }) File.Delete(side);
            });
        }

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
