using System.Globalization;
using System.Text.Json;
using DirectAuth.Server.Tests.EndToEnd;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>
/// Issue 16 item 6: a client_id or a login carrying CR, LF, ESC, other C0/C1 controls or U+2028/U+2029
/// reaches neither a log line nor a system log event raw; both hold the escaped form.
/// </summary>
public sealed class LogInjectionTests(LoggingServerFixture server) : IClassFixture<LoggingServerFixture>
{
    private const string Forged = "evil\ninfo: FORGED-LINE\x1b[31m red\r\u0085\u2028\u2029\u0007end";

    [Fact]
    public async Task LogsAndEvents_ClientIdAndLoginWithControlCharacters_StoredAndLoggedEscaped()
    {
        var logs = CapturedLogs.On(server.Factory);
        var client = await server.RegisterClientAsync();

        var (unknownClient, _) = await server.PasswordGrantAsync("cid-" + Forged, "someone@example.com", "whatever");
        Assert.Equal(401, unknownClient);
        var (unknownUser, _) = await server.PasswordGrantAsync(client.ClientId, "login-" + Forged, "whatever");
        Assert.Equal(400, unknownUser);

        using var admin = server.Admin();
        var since = server.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var events = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/logs?since={since}&limit=1000")).RootElement;
        var strings = Strings(events).ToList();
        Assert.Contains(strings, s => s.StartsWith("cid-evil", StringComparison.Ordinal));
        Assert.Contains(strings, s => s.StartsWith("login-evil", StringComparison.Ordinal));
        Assert.Contains(@"cid-evil\ninfo: FORGED-LINE\u001B[31m red\r\u0085\u2028\u2029\u0007end", strings);
        Assert.Contains(@"login-evil\ninfo: FORGED-LINE\u001B[31m red\r\u0085\u2028\u2029\u0007end", strings);
        Assert.DoesNotContain(strings, HasControl);

        var mentioning = logs.Lines.Where(l => l.Contains("evil", StringComparison.Ordinal)).ToList();
        Assert.Contains(mentioning, l => l.Contains(@"cid-evil\ninfo: FORGED-LINE\u001B[31m", StringComparison.Ordinal));
        Assert.Contains(mentioning, l => l.Contains(@"login-evil\ninfo: FORGED-LINE\u001B[31m", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, HasControl);
    }

    /// <summary>The real console log of a server process: no raw ESC, and the forged line does not start a line.</summary>
    [Fact]
    public async Task ConsoleLog_ClientIdWithControlCharacters_OnOneLineEscaped()
    {
        await using var process = ServerProcess.Start([], new Dictionary<string, string> { ["DIRECTAUTH_ADMIN_TOKEN"] = TestServerFactory.AdminToken });
        await process.WaitForOutputAsync(o => o.Contains("Now listening on", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = new Uri(process.BaseUrl) };

        var response = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "cid-" + Forged, ["username"] = "x@example.com", ["password"] = "x",
        }));
        Assert.Equal(401, (int)response.StatusCode);

        var output = await process.WaitForOutputAsync(o => o.Contains("cid-evil", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        Assert.Contains(@"cid-evil\ninfo: FORGED-LINE\u001B[31m red\r\u0085\u2028\u2029\u0007end", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\x1b', output);
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("info: FORGED-LINE", StringComparison.Ordinal));
    }

    /// <summary>A value from the attack that still holds a raw control character or line separator.</summary>
    private static bool HasControl(string s) => s.Contains("evil", StringComparison.Ordinal) && s.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        _ => [],
    };
}
