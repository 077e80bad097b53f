using Npgsql;

namespace DirectAuth.Server.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test server. The provider comes from <c>DIRECTAUTH_TEST_DB</c>
/// (<c>sqlite</c>, the default, or <c>postgres</c> with the server in <c>DIRECTAUTH_TEST_PG</c>);
/// <c>scripts/test</c> runs the whole suite once with each.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static string Provider => Environment.GetEnvironmentVariable("DIRECTAUTH_TEST_DB") is { Length: > 0 } p ? p : "sqlite";

    public static bool IsPostgres => Provider == "postgres";

    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    public string ConnectionString { get; }
    public string DataDirectory { get; }

    private TestDatabase(string connectionString, string dataDirectory, string? postgresAdmin, string? postgresName)
    {
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        var dir = Directory.CreateTempSubdirectory("directauth-test-").FullName;
        if (!IsPostgres)
            return new TestDatabase($"Data Source={Path.Combine(dir, "directauth.db")}", dir, null, null);

        var admin = Environment.GetEnvironmentVariable("DIRECTAUTH_TEST_PG")
            ?? throw new InvalidOperationException("DIRECTAUTH_TEST_DB=postgres needs DIRECTAUTH_TEST_PG (a connection string to a server where databases may be created); scripts/test sets it.");
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(builder.ConnectionString, dir, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_postgresAdmin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
