using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>
/// Schema script 030: a catch-all rule the server seeded with the old default number challenge (<c>risky</c>) and
/// no one edited takes the new default (<c>always</c>); a rule an administrator edited keeps <c>risky</c>.
/// </summary>
public sealed class NumberChallengeUpgradeTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private DbConnection Open() => TestDatabase.IsPostgres ? new NpgsqlConnection(_database.ConnectionString) : new SqliteConnection(_database.ConnectionString);

    private static HttpClient Admin(TestServerFactory factory)
    {
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        return admin;
    }

    [Fact]
    public async Task Upgrade_SeededRiskyCatchAllNeverEdited_BecomesAlwaysButEditedRuleKeepsRisky()
    {
        string editedPolicy, editedRule;
        await using (var before = new TestServerFactory(_database))
        {
            using var admin = Admin(before);
            Assert.True((await admin.GetAsync("/api/v1/policies/default")).IsSuccessStatusCode); // stores the default policy
            var created = await admin.PostAsJsonAsync("/api/v1/policies", new { name = "Edited" });
            var policy = await created.Content.ReadFromJsonAsync<JsonElement>();
            editedPolicy = policy.GetProperty("id").GetString()!;
            editedRule = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!;
            before.Clock.Advance(TimeSpan.FromSeconds(5));
            var put = await admin.PutAsJsonAsync($"/api/v1/policies/{editedPolicy}/rules/{editedRule}", new { numberChallenge = "risky" });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        // As a server before version 30 left it: the seeded rule still at the old default, script 30 not applied.
        await using (var connection = Open())
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "UPDATE auth_policy_rules SET number_challenge = 'risky' WHERE id = 'default-catch-all'");
            await ExecuteAsync(connection, "DELETE FROM schema_versions WHERE version = 30");
        }

        await using var after = new TestServerFactory(_database);
        using var upgraded = Admin(after);
        var seeded = await upgraded.GetFromJsonAsync<JsonElement>("/api/v1/policies/default/rules/default-catch-all");
        var edited = await upgraded.GetFromJsonAsync<JsonElement>($"/api/v1/policies/{editedPolicy}/rules/{editedRule}");
        Assert.Equal("always", seeded.GetProperty("numberChallenge").GetString());
        Assert.Equal("risky", edited.GetProperty("numberChallenge").GetString());
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
