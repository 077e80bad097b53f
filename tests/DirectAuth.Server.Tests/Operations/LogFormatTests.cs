using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 4: the console log of the built server, as an operator reads it: by default one line per event
/// that starts with a UTC timestamp and the level, never "(null)"; with <c>Logging:Console:FormatterName=json</c>
/// one JSON object per line. The server is driven through a start, a user created, a failed sign-in and an unknown
/// client, at level Information.
/// </summary>
public sealed partial class LogFormatTests
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trce|dbug|info|warn|fail|crit): \S")]
    private static partial Regex SimpleLine();

    private static async Task<string> RunAsync(Dictionary<string, string> settings)
    {
        settings["Logging__LogLevel__Default"] = "Information";
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: settings);
        using var admin = server.Admin();
        var user = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login = "log-format@example.com", email = "log-format@example.com" },
            credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        Assert.True(user.IsSuccessStatusCode, await user.Content.ReadAsStringAsync());
        using var http = server.Client();
        await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "no-such-client", ["username"] = "log-format@example.com", ["password"] = "wrong\r\ninjected",
        }));
        await server.StopAsync();
        return server.Output;
    }

    private static List<string> StdoutLines(string output) =>
        output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("[stderr] ", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task DefaultFormat_EveryLineHasTimestampAndLevel_NoNull()
    {
        var lines = StdoutLines(await RunAsync([]));

        Assert.Contains(lines, l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(SimpleLine(), l));
        Assert.All(lines, l => Assert.DoesNotContain("(null)", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonFormat_EveryLineIsAJsonObjectWithTimestampLevelCategoryAndMessage()
    {
        var lines = StdoutLines(await RunAsync(new() { ["DIRECTAUTH_LOGGING__CONSOLE__FORMATTERNAME"] = "json" }));

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var entry = JsonDocument.Parse(line).RootElement;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", entry.GetProperty("Timestamp").GetString());
            Assert.Contains(entry.GetProperty("LogLevel").GetString(), new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical" });
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("Category").GetString()));
            Assert.DoesNotContain("(null)", entry.GetProperty("Message").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(lines, l => JsonDocument.Parse(l).RootElement.GetProperty("Message").GetString()!.StartsWith("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
    }
}
