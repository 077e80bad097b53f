using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

/// <summary>The System Log's default window. Moves this fixture's clock by days.</summary>
public sealed class SystemLogWindowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Logs_NoSince_OnlyTheLastSevenDays()
    {
        var old = await server.CreateUserAsync("eight-days-ago@example.com");
        var createdAt = server.Clock.GetUtcNow();
        server.Clock.Advance(TimeSpan.FromDays(8));
        var recent = await server.CreateUserAsync("today@example.com");
        var since = Uri.EscapeDataString(createdAt.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));

        var (_, byDefault) = await server.GetJsonAsync("/api/v1/logs?filter=" + Uri.EscapeDataString("eventType eq \"user.lifecycle.create\""));
        var (_, explicitSince) = await server.GetJsonAsync($"/api/v1/logs?since={since}&filter=" + Uri.EscapeDataString("eventType eq \"user.lifecycle.create\""));

        Assert.Equal([recent], byDefault.EnumerateArray().Select(e => e.GetProperty("target")[0].GetProperty("id").GetString()!).ToArray());
        Assert.Equal([old, recent], explicitSince.EnumerateArray().Select(e => e.GetProperty("target")[0].GetProperty("id").GetString()!).ToArray());
    }
}
