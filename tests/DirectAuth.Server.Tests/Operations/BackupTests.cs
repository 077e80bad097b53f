using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;
using DirectAuth.Server.Tests.Storage;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 5: <c>directauth admin backup</c> copies a running SQLite deployment (database and the generated
/// <c>master.key</c>); <c>directauth admin restore</c> puts it into a fresh data directory, and a server started there
/// signs the same users in, honours refresh tokens issued before the backup and serves the same signing keys.
/// </summary>
public sealed class BackupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("directauth-backup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A server as the default runs it: the database and a generated master.key in its data directory.</summary>
    private static Task<ServerProcess> StartOnAsync(TestDatabase database, string dataDirectory) =>
        ServerProcess.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["DIRECTAUTH_STORAGE__DATADIRECTORY"] = dataDirectory, ["DIRECTAUTH_STORAGE__CONNECTIONSTRING"] = "", ["DIRECTAUTH_SECURITY__MASTERKEY"] = "",
        });

    private static async Task<string> CreateUserAsync(ServerProcess server, string login)
    {
        using var admin = server.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login, firstName = "Backup", lastName = "User" },
            credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<(int Status, JsonElement Body)> PasswordAsync(ServerProcess server, string clientId, string login) =>
        ProcessSteps.PostFormAsync(server, "/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", clientId),
            ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", "openid offline_access"));

    private static async Task<HashSet<string>> KeyIdsAsync(ServerProcess server)
    {
        using var http = server.Client();
        var jwks = await http.GetFromJsonAsync<JsonElement>("/oauth2/default/v1/keys");
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToHashSet();
    }

    [SqliteFact("the backup of the SQLite file")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task BackupWhileRunning_RestoreIntoFreshDirectory_SameUsersTokensAndKeys()
    {
        var data = Path.Combine(_root, "data");
        var backup = Path.Combine(_root, "backup");
        var restored = Path.Combine(_root, "restored");
        await using var database = await TestDatabase.CreateAsync();
        var server = await StartOnAsync(database, data);
        await CreateUserAsync(server, "kept@example.com");
        using (var admin = server.Admin())
        {
            var app = await admin.PostAsJsonAsync("/oauth2/v1/clients", new Dictionary<string, object>
            {
                ["client_name"] = "Backup app", ["application_type"] = "native", ["token_endpoint_auth_method"] = "none",
                ["grant_types"] = new[] { "password", "refresh_token" },
            });
            Assert.True(app.IsSuccessStatusCode, await app.Content.ReadAsStringAsync());
            _clientId = (await app.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
        }
        var (signedIn, tokens) = await PasswordAsync(server, _clientId, "kept@example.com");
        Assert.Equal(200, signedIn);
        var keys = await KeyIdsAsync(server);

        var (backedUp, backupOutput) = await ProcessSteps.CliAsync("admin", "backup", "--data-dir", data, "--to", backup);
        await CreateUserAsync(server, "after-backup@example.com"); // not in the backup
        await server.StopAsync();

        Assert.Equal(0, backedUp);
        Assert.Contains("integrity ok", backupOutput, StringComparison.Ordinal);
        Assert.Contains("Copied", backupOutput, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(data, "master.key")), File.ReadAllBytes(Path.Combine(backup, "master.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backup, "master.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backup, "directauth.db")));
        Assert.False(File.Exists(Path.Combine(backup, "directauth.db-wal")));

        var (restoredCode, restoreOutput) = await ProcessSteps.CliAsync("admin", "restore", "--from", backup, "--data-dir", restored);
        Assert.Equal(0, restoredCode);
        Assert.Contains("with its master.key", restoreOutput, StringComparison.Ordinal);

        await using var again = await StartOnAsync(database, restored);
        Assert.Equal(200, (await PasswordAsync(again, _clientId, "kept@example.com")).Status);
        Assert.Equal(400, (await PasswordAsync(again, _clientId, "after-backup@example.com")).Status);
        var (refreshed, _) = await ProcessSteps.PostFormAsync(again, "/oauth2/default/v1/token", ("grant_type", "refresh_token"),
            ("client_id", _clientId), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!));
        Assert.Equal(200, refreshed);
        Assert.Equal(keys, await KeyIdsAsync(again));
    }

    private string _clientId = "";

    [SqliteFact("the backup of the SQLite file")]
    public async Task BackupAndRestore_WrongDirectories_RefusedWithTheReasonAndNothingOverwritten()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var (noDatabase, noDatabaseOutput) = await ProcessSteps.CliAsync("admin", "backup", "--data-dir", empty, "--to", Path.Combine(_root, "b"));
        Assert.Equal(1, noDatabase);
        Assert.Contains("No directauth.db in", noDatabaseOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "b")));

        var (notBackup, notBackupOutput) = await ProcessSteps.CliAsync("admin", "restore", "--from", empty, "--data-dir", Path.Combine(_root, "r"));
        Assert.Equal(1, notBackup);
        Assert.Contains("not a backup made by 'directauth admin backup'", notBackupOutput, StringComparison.Ordinal);

        var data = Path.Combine(_root, "data");
        await using var database = await TestDatabase.CreateAsync();
        await using (var server = await StartOnAsync(database, data)) { }
        var backup = Path.Combine(_root, "backup");
        Assert.Equal(0, (await ProcessSteps.CliAsync("admin", "backup", "--data-dir", data, "--to", backup)).ExitCode);
        var before = File.ReadAllBytes(Path.Combine(data, "directauth.db"));
        var (overwrite, overwriteOutput) = await ProcessSteps.CliAsync("admin", "restore", "--from", backup, "--data-dir", data);
        Assert.Equal(1, overwrite);
        Assert.Contains("already holds a directauth.db", overwriteOutput, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(data, "directauth.db")));
        var (twice, _) = await ProcessSteps.CliAsync("admin", "backup", "--data-dir", data, "--to", backup);
        Assert.Equal(1, twice);
    }
}
