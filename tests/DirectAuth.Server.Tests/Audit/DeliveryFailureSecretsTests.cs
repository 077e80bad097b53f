using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Delivery;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>Issue 16 item 4: a provider's error answer that echoes the message does not put the code in the logs.</summary>
public sealed class DeliveryFailureSecretsTests(WebhookServer server) : IClassFixture<WebhookServer>
{
    [Fact]
    public async Task Logs_WebhookRejectionEchoingTheMessage_NoCodeInEventsOrLogLines()
    {
        var logs = CapturedLogs.On(server.Factory);
        server.Gateway.Reset();
        server.Gateway.Default = request => new FakeGateway.Reply(400, request.Text);
        try
        {
            var userId = await server.CreateUserAsync("echoed-code@example.com");
            var (status, body) = await PhoneSteps.EnrollAsync(server, userId, "sms", PhoneSteps.NewPhone());
            PhoneSteps.AssertOktaError(status, body, 503, "E0000139");
            var code = JsonDocument.Parse(Assert.Single(server.Gateway.Requests).Text).RootElement.GetProperty("code").GetString()!;

            using var admin = server.Admin();
            var since = server.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var events = await admin.GetStringAsync($"/api/v1/logs?since={since}&limit=1000");
            var lines = string.Join("\n", logs.Lines);
            Assert.Contains("webhook answered HTTP 400", events, StringComparison.Ordinal);
            Assert.Contains("webhook answered HTTP 400", lines, StringComparison.Ordinal);
            var whole = $"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])";
            Assert.False(Regex.IsMatch(events, whole), $"the system log holds the code {code}: {events}");
            Assert.False(Regex.IsMatch(lines, whole), $"a log line holds the code {code}: {lines}");
        }
        finally
        {
            server.Gateway.Default = _ => new FakeGateway.Reply(200, "{}");
        }
    }
}
