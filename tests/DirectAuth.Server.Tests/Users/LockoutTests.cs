using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Users;

/// <summary>Consecutive failed sign-ins lock a login (default 10), with waits that double, the same for unknown logins.</summary>
public sealed class LockoutTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Invalid = "The credentials provided were invalid.";
    private const string Locked = "The account is locked after too many failed sign-in attempts. Try again later or ask an administrator to unlock it.";
    private const string Wrong = "wrong password guess";

    private async Task<(int Status, string? Description, JsonElement Body)> AttemptAsync(string clientId, string login, string password)
    {
        var (status, body) = await server.PasswordGrantAsync(clientId, login, password);
        return (status, body.TryGetProperty("error_description", out var d) ? d.GetString() : null, body);
    }

    private async Task FailAsync(string clientId, string login, int times, string expectedLast)
    {
        for (var i = 1; i <= times; i++)
        {
            var (status, description, body) = await AttemptAsync(clientId, login, Wrong);
            Assert.Equal(400, status);
            Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
            Assert.Equal(i < times ? Invalid : expectedLast, description);
        }
    }

    [Fact]
    public async Task PasswordGrant_TenConsecutiveFailures_LocksEvenTheRightPassword()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("lock-ten@example.com");

        await FailAsync(client.ClientId, "lock-ten@example.com", 10, Locked);
        var (status, description, body) = await AttemptAsync(client.ClientId, "lock-ten@example.com", ServerFixture.DefaultPassword);

        Assert.Equal(400, status);
        Assert.Equal(Locked, description);
        Assert.False(body.TryGetProperty("access_token", out _));
        var lockEvent = Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AccountLocked, userId));
        Assert.Equal("WARN", lockEvent.Severity);
        Assert.Equal("lock-ten@example.com", lockEvent.TargetAlternateId);
        var refused = (await server.Factory.AuditEventsAsync(EventTypes.SignIn, "lock-ten@example.com")).Where(e => e.Outcome == Outcomes.Failure).ToList();
        Assert.Equal(10, refused.Count(e => e.Reason == "INVALID_CREDENTIALS"));
        Assert.Equal(1, refused.Count(e => e.Reason == "LOCKED_OUT"));
    }

    [Fact]
    public async Task PasswordGrant_NineFailuresThenSuccess_CountStartsAgain()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("lock-reset@example.com");

        await FailAsync(client.ClientId, "lock-reset@example.com", 9, Invalid);
        await server.SignInAsync(client.ClientId, "lock-reset@example.com");
        await FailAsync(client.ClientId, "lock-reset@example.com", 9, Invalid);

        await server.SignInAsync(client.ClientId, "lock-reset@example.com");
    }

    [Fact]
    public async Task PasswordGrant_RepeatedLocks_WaitDoublesAndSuccessResetsIt()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("lock-grow@example.com");
        const string login = "lock-grow@example.com";

        await FailAsync(client.ClientId, login, 10, Locked);
        server.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(Locked, (await AttemptAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Description);
        server.Clock.Advance(TimeSpan.FromSeconds(2));

        // The first lock has ended; ten more failures lock for twice as long.
        await FailAsync(client.ClientId, login, 10, Locked);
        server.Clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(Locked, (await AttemptAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Description);
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        await server.SignInAsync(client.ClientId, login);

        // The success reset the doubling: the next lock lasts 60 s again.
        await FailAsync(client.ClientId, login, 10, Locked);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await server.SignInAsync(client.ClientId, login);

        var locks = await server.Factory.AuditEventsAsync(EventTypes.AccountLocked, userId);
        Assert.Equal(3, locks.Count);
        var waits = locks.Select(e => (DateTimeOffset.Parse(JsonDocument.Parse(e.Details!).RootElement.GetProperty("lockedUntil").GetString()!) - e.Published).TotalSeconds);
        Assert.Equal([60.0, 120.0, 60.0], waits.Select(w => Math.Round(w)));
    }

    [Fact]
    public async Task PasswordGrant_UnknownLogin_AnswersExactlyLikeAKnownOne()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("lock-known@example.com");

        var known = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            known.Add((await AttemptAsync(client.ClientId, "lock-known@example.com", Wrong)).Body.GetRawText());
            unknown.Add((await AttemptAsync(client.ClientId, "lock-nobody@example.com", Wrong)).Body.GetRawText());
        }

        Assert.Equal(known, unknown);
        Assert.Contains(Locked, known[9], StringComparison.Ordinal);
        Assert.Contains(Invalid, known[8], StringComparison.Ordinal);
        Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AccountLocked, "lock-nobody@example.com"));
    }

    [Fact]
    public async Task AdminUnlock_LockedUser_ShowsLockedOutThenSignsIn()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("lock-admin@example.com");
        await FailAsync(client.ClientId, "lock-admin@example.com", 10, Locked);
        using var admin = server.Admin();

        var before = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/users/{userId}")).RootElement;
        var unlock = await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/unlock", null);
        var after = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/users/{userId}")).RootElement;

        Assert.Equal("LOCKED_OUT", before.GetProperty("status").GetString());
        Assert.Equal(200, (int)unlock.StatusCode);
        Assert.Equal("ACTIVE", after.GetProperty("status").GetString());
        await server.SignInAsync(client.ClientId, "lock-admin@example.com");
        Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AccountUnlocked, userId));
    }

    [Fact]
    public async Task PasswordGrant_ThirtyConcurrentWrongGuesses_NoMoreThanTenChecked()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("lock-race@example.com");

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => AttemptAsync(client.ClientId, "lock-race@example.com", Wrong)));

        Assert.All(results, r => Assert.Equal(400, r.Status));
        Assert.Equal(9, results.Count(r => r.Description == Invalid));
        Assert.Equal(21, results.Count(r => r.Description == Locked));
        var failures = (await server.Factory.AuditEventsAsync(EventTypes.SignIn, "lock-race@example.com")).Where(e => e.Outcome == Outcomes.Failure).ToList();
        Assert.Equal(10, failures.Count(e => e.Reason == "INVALID_CREDENTIALS"));
        Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AccountLocked, userId));
        Assert.Equal(Locked, (await AttemptAsync(client.ClientId, "lock-race@example.com", ServerFixture.DefaultPassword)).Description);
    }
}

public sealed class LockoutSettingsTests
{
    [Theory]
    [InlineData("101")]
    [InlineData("0")]
    public async Task Server_LockoutMaxFailuresOutOfRange_RefusesToStart(string value)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new TestServerFactory(database, new Dictionary<string, string?> { ["Lockout:MaxFailures"] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Lockout:MaxFailures must be between 1 and 100", error.ToString(), StringComparison.Ordinal);
    }
}
