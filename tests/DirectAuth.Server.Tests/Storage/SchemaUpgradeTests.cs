using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>
/// A database made by DirectAuth at schema version 1, with a user and an app written as version 1 wrote
/// them, upgrades when a current server starts on it: every later script is applied and recorded, and
/// the old user signs in with the old app.
/// </summary>
public sealed class SchemaUpgradeTests : IAsyncLifetime
{
    private const string Password = "an old but fine password";
    private TestDatabase _database = null!;

    private static StorageProvider Provider => TestDatabase.IsPostgres ? StorageProvider.Postgres : StorageProvider.Sqlite;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private DbConnection Open() => TestDatabase.IsPostgres ? new NpgsqlConnection(_database.ConnectionString) : new SqliteConnection(_database.ConnectionString);

    [Fact]
    public async Task Server_DatabaseAtVersion1_AppliesEveryLaterVersionAndOldUserSignsIn()
    {
        var scripts = SchemaMigrator.Scripts(Provider);
        Assert.Equal(1, scripts[0].Version);
        Assert.True(scripts.Count > 1, "there is no later schema version to upgrade to");
        await CreateVersion1DatabaseAsync(scripts[0]);

        await using var factory = new TestServerFactory(_database);
        using var http = factory.CreateClient();
        var response = await http.PostAsync(OAuthTestKit.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "0oaVersionOneApp00000", ["username"] = "old.timer@example.com",
            ["password"] = Password, ["scope"] = "openid profile offline_access",
        }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, body);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("refresh_token", out _));
        Assert.Equal(scripts.Select(s => s.Version).Order(), await AppliedVersionsAsync());
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        var user = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/00uVersionOneUser000");
        Assert.Equal("Old", user.GetProperty("profile").GetProperty("firstName").GetString());
        Assert.Equal("ACTIVE", user.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Server_StartedTwiceOnCurrentSchema_AppliesNothingAgain()
    {
        await using (var first = new TestServerFactory(_database)) first.CreateClient().Dispose();
        var after = await AppliedVersionsAsync();

        await using var second = new TestServerFactory(_database);
        second.CreateClient().Dispose();

        Assert.Equal(after, await AppliedVersionsAsync());
        Assert.Equal(SchemaMigrator.Scripts(Provider).Select(s => s.Version).Order(), after);
    }

    private async Task CreateVersion1DatabaseAsync(SchemaMigrator.Script version1)
    {
        var hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3, IterationCount = 210_000,
        }));
        var created = DateTimeOffset.UtcNow.AddDays(-400);
        // Version 1 stored times as EF's binary DateTimeOffset on SQLite and as timestamptz on PostgreSQL.
        object Time(DateTimeOffset t) => TestDatabase.IsPostgres ? t : new DateTimeOffsetToBinaryConverter().ConvertToProvider(t)!;

        await using var connection = Open();
        await connection.OpenAsync();
        await ExecuteAsync(connection, "CREATE TABLE schema_versions (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)");
        await ExecuteAsync(connection, version1.Sql);
        await ExecuteAsync(connection, "INSERT INTO schema_versions (version, name, applied_at) VALUES (1, @name, @at)",
            ("@name", version1.Name), ("@at", created.ToString("O")));
        await ExecuteAsync(connection, """
            INSERT INTO users (id, login, normalized_login, email, first_name, last_name, mobile_phone, status, password_hash,
                               created, activated, status_changed, last_login, last_updated, password_changed)
            VALUES ('00uVersionOneUser000', 'old.timer@example.com', 'OLD.TIMER@EXAMPLE.COM', 'old.timer@example.com', 'Old', 'Timer', NULL,
                    'ACTIVE', @hash, @created, @created, @created, NULL, @created, @created)
            """, ("@hash", hasher.HashPassword(new object(), Password)), ("@created", Time(created)));
        await ExecuteAsync(connection, """
            INSERT INTO applications (client_id, name, application_type, token_endpoint_auth_method, grant_types, client_secret_hash, jwks,
                                      status, created, last_updated)
            VALUES ('0oaVersionOneApp00000', 'Version 1 app', 'native', 'none', 'password refresh_token', NULL, NULL, 'ACTIVE', @created, @created)
            """, ("@created", Time(created)));
    }

    private async Task<List<int>> AppliedVersionsAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        return (await SchemaMigrator.AppliedVersionsAsync(connection, CancellationToken.None)).Order().ToList();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
    }
}
