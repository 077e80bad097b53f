using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Server.Hosting;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>
/// Issue 16 item 5: a flood of wrong admin tokens writes a bounded number of events whose counts add up to
/// the requests, each still answered 401; and the system log is pruned after its retention.
/// </summary>
public sealed class SystemLogFloodTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string FailureType = "system.api_token.authentication.failure";

    [Fact]
    public async Task AdminAuth_FloodOfWrongTokens_EachRefusedWithFewEventsCountingEveryRequest()
    {
        const int flood = 60;
        using var wrong = server.Factory.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", "wrong-token-0123456789abcdef");
        for (var i = 0; i < flood; i++)
            await OAuthTestKit.AssertOktaErrorAsync(await wrong.GetAsync($"/api/v1/users?i={i}"), 401, "E0000011");

        var during = await FailuresAsync();
        Assert.Single(during);
        Assert.Equal(1, Count(during[0]));
        Assert.Equal("INVALID_TOKEN", during[0].GetProperty("outcome").GetProperty("reason").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(61)); // the interval (60 s) is over
        await OAuthTestKit.AssertOktaErrorAsync(await wrong.GetAsync("/api/v1/users"), 401, "E0000011");

        var after = await FailuresAsync();
        Assert.Equal(3, after.Count); // the first, the summary of the other 59, the first of the new interval
        Assert.Equal(flood + 1, after.Sum(Count));
        Assert.Contains(after, e => Count(e) == flood - 1);
    }

    [Fact]
    public async Task SystemLog_ClockPastRetention_OldEventsPrunedNewKept()
    {
        var marker = "retention-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        await server.CreateUserAsync(marker);
        Assert.NotEmpty(await EventsAboutAsync(marker, daysBack: 1));

        server.Clock.Advance(TimeSpan.FromDays(89));
        await CleanupAsync();
        Assert.NotEmpty(await EventsAboutAsync(marker, daysBack: 100)); // within the 90 days

        server.Clock.Advance(TimeSpan.FromDays(2));
        var fresh = "retention-fresh-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        await server.CreateUserAsync(fresh);
        await CleanupAsync();
        Assert.Empty(await EventsAboutAsync(marker, daysBack: 100));
        Assert.NotEmpty(await EventsAboutAsync(fresh, daysBack: 1));
    }

    private Task<int> CleanupAsync() =>
        server.Factory.Services.GetServices<IHostedService>().OfType<ExpiredRowsCleanup>().Single().DeleteExpiredAsync(CancellationToken.None);

    private async Task<List<JsonElement>> FailuresAsync()
    {
        using var admin = server.Admin();
        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync(
            $"/api/v1/logs?since={Since(1)}&limit=1000&filter={Uri.EscapeDataString($"eventType eq \"{FailureType}\"")}"));
        Assert.Equal(200, status);
        return body.EnumerateArray().ToList();
    }

    private async Task<List<JsonElement>> EventsAboutAsync(string login, int daysBack)
    {
        using var admin = server.Admin();
        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/logs?since={Since(daysBack)}&limit=1000&q={Uri.EscapeDataString(login)}"));
        Assert.Equal(200, status);
        return body.EnumerateArray().ToList();
    }

    private string Since(int daysBack) =>
        server.Clock.GetUtcNow().AddDays(-daysBack).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static int Count(JsonElement e) =>
        int.Parse(e.GetProperty("debugContext").GetProperty("debugData").GetProperty("count").GetString()!, CultureInfo.InvariantCulture);
}
