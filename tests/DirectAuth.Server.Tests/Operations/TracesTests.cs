using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 3: the built server, configured with an OTLP collector (a real HTTP listener on loopback, OTLP over
/// http/protobuf), posts its spans to /v1/traces: the token request's span is there, and its trace id is the one the
/// system log event of that sign-in carries (transaction.id) and the one its log line ends with.
/// </summary>
public sealed class TracesTests
{
    private sealed class Collector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, string ContentType, byte[] Body)> _posts = [];
        public int Port { get; }

        public Collector()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_posts) _posts.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public List<(string Path, string ContentType, byte[] Body)> Posts()
        {
            lock (_posts) return [.. _posts];
        }

        public void Dispose() => _listener.Close();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public async Task OtlpCollectorConfigured_TokenRequestSpanPostedWithTheTraceIdOfItsSystemLogEventAndLogLine()
    {
        using var collector = new Collector();
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["DIRECTAUTH_TELEMETRY__OTLP__ENDPOINT"] = $"http://127.0.0.1:{collector.Port}",
            ["DIRECTAUTH_TELEMETRY__OTLP__PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["Logging__LogLevel__DirectAuth.Server.Observability.AuditLog"] = "Information",
        });
        var clientId = await ProcessSteps.PushAppAsync(server, "never", ["password"]);
        using (var admin = server.Admin())
        {
            var created = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
            {
                profile = new { login = "traced@example.com", email = "traced@example.com", firstName = "T", lastName = "U" },
                credentials = new { password = new { value = ServerFixture.DefaultPassword } },
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var (status, _) = await ProcessSteps.PostFormAsync(server, "/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", clientId),
            ("username", "traced@example.com"), ("password", ServerFixture.DefaultPassword), ("scope", "openid"));
        Assert.Equal(200, status);

        JsonElement granted;
        using (var admin = server.Admin())
        {
            var events = await admin.GetFromJsonAsync<JsonElement>("/api/v1/logs?filter=" + Uri.EscapeDataString("eventType eq \"app.oauth2.as.token.grant\""));
            granted = events.EnumerateArray().Single(e => e.GetProperty("eventType").GetString() == "app.oauth2.as.token.grant");
        }
        var traceId = granted.GetProperty("transaction").GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal("WEB", granted.GetProperty("transaction").GetProperty("type").GetString());
        Assert.Equal(traceId, granted.GetProperty("debugContext").GetProperty("debugData").GetProperty("traceId").GetString());
        var traceIdBytes = Convert.FromHexString(traceId);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        (string Path, string ContentType, byte[] Body)? found = null;
        while (found is null && DateTime.UtcNow < deadline)
        {
            found = collector.Posts().Where(p => p.Path == "/v1/traces" && Contains(p.Body, Encoding.UTF8.GetBytes("directauth.token"))
                && Contains(p.Body, traceIdBytes)).Cast<(string, string, byte[])?>().FirstOrDefault();
            if (found is null) await Task.Delay(200);
        }
        Assert.True(found is not null, "no /v1/traces post with the token span and trace id; posts: "
            + string.Join(", ", collector.Posts().Select(p => $"{p.Path} {p.Body.Length}")));
        Assert.Equal("application/x-protobuf", found.Value.ContentType);
        // The children end first and may go in an earlier post of the same trace.
        var traces = collector.Posts().Where(p => p.Path == "/v1/traces" && Contains(p.Body, traceIdBytes)).ToList();
        foreach (var child in new[] { "directauth.grant", "directauth.policy", "directauth.storage.save" })
            Assert.True(traces.Any(p => Contains(p.Body, Encoding.UTF8.GetBytes(child))), "child span " + child);
        Assert.Contains("trace_id=" + traceId, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedOtlpEndpoint_StartRefusedWithTheSettingNamed()
    {
        await using var database = await TestDatabase.CreateAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["DIRECTAUTH_TELEMETRY__OTLP__ENDPOINT"] = "not a url",
        }));
        Assert.Contains("Telemetry:Otlp:Endpoint", e.Message, StringComparison.Ordinal);
    }
}
