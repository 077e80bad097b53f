using System.Collections.Concurrent;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>The outbox over the management API: filters, limits, newest first, bad input.</summary>
public sealed class OutboxApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Outbox_PhoneAndLimit_NewestFirstOnlyThatPhone()
    {
        var phone = NewPhone();
        var other = NewPhone();
        var userId = await server.CreateUserAsync("outbox-order@example.com");
        var otherUser = await server.CreateUserAsync("outbox-other@example.com");
        var factorId = await EnrollOkAsync(server, userId, "sms", phone);
        await EnrollOkAsync(server, otherUser, "sms", other);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(200, (int)(await ResendAsync(server, userId, factorId)).StatusCode);

        var all = await OutboxAsync(server, phone);
        var newest = await OutboxAsync(server, phone, limit: 1);

        Assert.Equal(2, all.GetArrayLength());
        Assert.All(all.EnumerateArray(), m => Assert.Equal(phone, m.GetProperty("to").GetString()));
        Assert.True(all[0].GetProperty("created").GetDateTimeOffset() > all[1].GetProperty("created").GetDateTimeOffset());
        Assert.Equal(all[0].GetProperty("id").GetString(), Assert.Single(newest.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Outbox_NumberWithSeparators_SameAsE164()
    {
        var phone = NewPhone();
        await EnrollOkAsync(server, await server.CreateUserAsync("outbox-format@example.com"), "sms", phone);

        var messages = await OutboxAsync(server, $"{phone[..2]} ({phone[2..5]}) {phone[5..8]}-{phone[8..]}");

        Assert.Equal(1, messages.GetArrayLength());
    }

    [Theory]
    [InlineData("phone=5551234567", "phone")]
    [InlineData("phone=%2B0123456789", "phone")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=1&limit=2", "query")]
    public async Task Outbox_BadQuery_400(string query, string field)
    {
        using var admin = server.Admin();

        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync("/api/v1/outbox?" + query));

        AssertOktaError(status, body, 400, "E0000001");
        Assert.Equal("Api validation failed: " + field, body.GetProperty("errorSummary").GetString());
    }

    [Fact]
    public async Task Outbox_WithoutAdminToken_401()
    {
        var response = await server.Http.GetAsync("/api/v1/outbox");

        Assert.Equal(401, (int)response.StatusCode);
    }
}

/// <summary>What the outbox writes to the application log, per environment.</summary>
public sealed class OutboxLogTests
{
    [Theory]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    public async Task OutboxLog_ByEnvironment_NeverTheCode_NumberOnlyInDevelopment(string environment, bool numberLogged)
    {
        await using var server = new EnvironmentServer(environment);
        await ((IAsyncLifetime)server).InitializeAsync();
        var logs = new CapturedLogs();
        server.Factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var phone = NewPhone();

        await EnrollOkAsync(server, await server.CreateUserAsync("outbox-log@example.com"), "sms", phone);

        var code = await LatestCodeAsync(server, phone);
        var line = Assert.Single(logs.Lines, l => l.StartsWith("Outbox sms to ", StringComparison.Ordinal));
        Assert.Equal(numberLogged, line.Contains(phone, StringComparison.Ordinal));
        if (!numberLogged) Assert.Contains(phone[..3] + new string('*', phone.Length - 6) + phone[^3..], line, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(code, StringComparison.Ordinal));
    }

    private sealed class EnvironmentServer(string environment) : ServerFixture, IAsyncDisposable
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Logging:LogLevel:DirectAuth"] = "Information",
        };

        ValueTask IAsyncDisposable.DisposeAsync() => new(((IAsyncLifetime)this).DisposeAsync());
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue(formatter(state, exception));
        }
    }
}
