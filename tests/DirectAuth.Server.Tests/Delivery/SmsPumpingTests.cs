using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>Issue 16 item 10: SMS pumping defences, through the management API and the sign-in endpoints.</summary>
public static class Pumping
{
    public const string RefusedType = "system.phone.send_rate_limit";
    public const string AlertType = "system.org.rate_limit.violation";

    /// <summary><c>/primary-authenticate</c> with sms from a given client address (TestServer lets a test set it).</summary>
    public static async Task<(int Status, JsonElement Body, IHeaderDictionary Headers)> StartFromAsync(ServerFixture server, string address, string clientId, string login)
    {
        var form = $"client_id={Uri.EscapeDataString(clientId)}&login_hint={Uri.EscapeDataString(login)}&channel_hint=sms&challenge_hint={Uri.EscapeDataString(Protocol.GrantTypes.Oob)}";
        var context = await server.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/oauth2/default/v1/primary-authenticate";
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), context.Response.Headers);
    }

    /// <summary>The answer of a send refused by a pumping defence at the OAuth endpoints: a delivery that cannot be made.</summary>
    public static void AssertUndeliverable(int status, JsonElement body, IHeaderDictionary? headers = null)
    {
        Assert.True(status == 503, $"expected 503 server_error, got {status} {body}");
        Assert.Equal("server_error", body.GetProperty("error").GetString());
        Assert.Equal("The text message with the code could not be sent. Try again later.", body.GetProperty("error_description").GetString());
        if (headers is not null) Assert.True(int.Parse(headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    public static async Task<List<string?>> RefusalReasonsAsync(ServerFixture server) =>
        (await AuditAsync(server, RefusedType)).Select(e => e.Reason).ToList();
}

public sealed class SmsPumpingCountryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("+8613800138000")] // China: not in the default list
    [InlineData("+79161234567")] // Russia
    [InlineData("+2348031234567")] // Nigeria
    public async Task Enroll_NumberOutsideDefaultCountries_503TelephonyErrorNothingSent(string phone)
    {
        var userId = await server.CreateUserAsync($"country-{phone[1..]}@example.com");

        var (status, body) = await EnrollAsync(server, userId, "sms", phone);

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Equal(0, (await OutboxAsync(server, phone)).GetArrayLength());
        Assert.Contains("COUNTRY_NOT_ALLOWED", await Pumping.RefusalReasonsAsync(server));
    }

    [Theory]
    [InlineData("+447700900123")] // United Kingdom
    [InlineData("+4915112345678")] // Germany
    [InlineData("+61412345678")] // Australia
    public async Task Enroll_NumberInDefaultCountries_Sent(string phone)
    {
        var userId = await server.CreateUserAsync($"country-ok-{phone[1..]}@example.com");

        await EnrollOkAsync(server, userId, "sms", phone);

        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
    }
}

/// <summary>The webhook provider: a refused country never reaches the gateway.</summary>
public sealed class SmsPumpingWebhookTests(WebhookServer server) : IClassFixture<WebhookServer>
{
    [Fact]
    public async Task Enroll_NumberOutsideAllowedCountries_GatewayNeverCalled()
    {
        server.Gateway.Reset();
        var userId = await server.CreateUserAsync("country-webhook@example.com");

        var (status, body) = await EnrollAsync(server, userId, "call", "+8613800138000");

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Empty(server.Gateway.Requests);
        var (allowed, _) = await EnrollAsync(server, userId, "call", NewPhone());
        Assert.Equal(200, allowed);
        Assert.Single(server.Gateway.Requests);
    }
}

public sealed class PumpingRateServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Delivery:MaxSendsPerIpPerHour"] = "3",
        ["Delivery:MaxSendsPerPrefixPerHour"] = "3",
    };
}

public sealed class SmsPumpingRateTests(PumpingRateServer server) : IClassFixture<PumpingRateServer>
{
    [Fact]
    public async Task SignIn_FourthSendFromOneAddressInAnHour_503WhileAnotherAddressIsServed()
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var users = new List<(string UserId, string Login, string Phone)>();
        for (var i = 0; i < 4; i++) users.Add(await PhoneSignIn.UserAsync(server, $"pump-ip-{i}"));
        server.Clock.Advance(TimeSpan.FromHours(2));

        for (var i = 0; i < 3; i++)
        {
            var (ok, started, _) = await Pumping.StartFromAsync(server, "203.0.113.7", client.ClientId, users[i].Login);
            Assert.True(ok == 200, $"{ok} {started}");
        }
        var outbox = await PhoneSignIn.OutboxCountAsync(server);
        var (status, body, headers) = await Pumping.StartFromAsync(server, "203.0.113.7", client.ClientId, users[3].Login);
        Pumping.AssertUndeliverable(status, body, headers);
        var (decoy, decoyBody, _) = await Pumping.StartFromAsync(server, "203.0.113.7", client.ClientId, "nobody-here@example.com");
        Pumping.AssertUndeliverable(decoy, decoyBody); // an unknown login is refused exactly like a real one
        Assert.Equal(outbox, await PhoneSignIn.OutboxCountAsync(server));
        Assert.Contains("IP_HOURLY_CAP", await Pumping.RefusalReasonsAsync(server));

        var (other, otherBody, _) = await Pumping.StartFromAsync(server, "203.0.113.8", client.ClientId, users[3].Login);
        Assert.True(other == 200, $"{other} {otherBody}");
    }

    [Fact]
    public async Task Sends_FourthToOnePrefixInAnHour_RefusedOnEnrollmentAndSignInOtherPrefixServed()
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var prefix = "+1555" + Random.Shared.Next(100, 1000); // seven digits with the country code: the default Delivery:PrefixDigits
        var users = new List<(string UserId, string Login, string Phone)>();
        for (var i = 0; i < 3; i++)
        {
            var login = $"pump-prefix-{i}-{Guid.NewGuid():N}"[..30] + "@example.com";
            var userId = await server.CreateUserAsync(login);
            var phone = prefix + (1000 + i);
            var factorId = await EnrollOkAsync(server, userId, "sms", phone);
            Assert.Equal(200, (await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone))).Status);
            users.Add((userId, login, phone));
        }
        var fourth = await server.CreateUserAsync($"pump-prefix-3-{Guid.NewGuid():N}"[..30] + "@example.com");
        var (enrolled, enrollBody) = await EnrollAsync(server, fourth, "sms", prefix + "1003");
        AssertOktaError(enrolled, enrollBody, 503, "E0000139");

        server.Clock.Advance(TimeSpan.FromHours(2));
        foreach (var user in users)
        {
            var (ok, started, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
            Assert.True(ok == 200, $"{ok} {started}");
        }
        server.Clock.Advance(TimeSpan.FromSeconds(31)); // past the per-phone resend interval
        var (status, body, response) = await PhoneSignIn.StartAsync(server, client.ClientId, users[0].Login, "sms");
        Pumping.AssertUndeliverable(status, body);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("PREFIX_HOURLY_CAP", await Pumping.RefusalReasonsAsync(server));

        var elsewhere = await PhoneSignIn.UserAsync(server, "pump-prefix-other");
        var (served, servedBody, _) = await PhoneSignIn.StartAsync(server, client.ClientId, elsewhere.Login, "sms");
        Assert.True(served == 200, $"{served} {servedBody}");
    }
}

public sealed class PumpingDailyServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Delivery:MaxSendsPerDay"] = "5",
    };
}

public sealed class SmsPumpingDailyCapTests(PumpingDailyServer server) : IClassFixture<PumpingDailyServer>
{
    [Fact]
    public async Task SignIn_DailyCapReached_OneAlertEventThen503ForRealAndUnknownLoginsUntilTheDayIsOver()
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var users = new List<(string UserId, string Login, string Phone)>();
        for (var i = 0; i < 3; i++) users.Add(await PhoneSignIn.UserAsync(server, $"pump-day-{i}"));
        server.Clock.Advance(TimeSpan.FromHours(25)); // the enrollment sends' day is over

        foreach (var user in users) Assert.Equal(200, (await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms")).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(await AuditAsync(server, Pumping.AlertType));
        Assert.Equal(200, (await PhoneSignIn.StartAsync(server, client.ClientId, users[0].Login, "sms")).Status);
        Assert.Equal(200, (await PhoneSignIn.StartAsync(server, client.ClientId, users[1].Login, "sms")).Status); // the fifth: the cap

        var alert = Assert.Single(await AuditAsync(server, Pumping.AlertType));
        Assert.Equal("ERROR", alert.Severity);
        Assert.Equal("DAILY_CAP", alert.Reason);

        var outbox = await PhoneSignIn.OutboxCountAsync(server);
        var (status, body, response) = await PhoneSignIn.StartAsync(server, client.ClientId, users[2].Login, "sms");
        Pumping.AssertUndeliverable(status, body);
        Assert.NotNull(response.Headers.RetryAfter);
        var (decoy, decoyBody, _) = await PhoneSignIn.StartAsync(server, client.ClientId, "nobody-daily@example.com", "sms");
        Pumping.AssertUndeliverable(decoy, decoyBody);
        var (enroll, enrollBody) = await EnrollAsync(server, await server.CreateUserAsync("pump-day-late@example.com"), "sms", NewPhone());
        AssertOktaError(enroll, enrollBody, 503, "E0000139");
        Assert.Equal(outbox, await PhoneSignIn.OutboxCountAsync(server));
        Assert.Single(await AuditAsync(server, Pumping.AlertType));
        Assert.Contains("DAILY_CAP", await Pumping.RefusalReasonsAsync(server));

        server.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(200, (await PhoneSignIn.StartAsync(server, client.ClientId, users[2].Login, "sms")).Status);
    }
}
