using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Delivery;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Phone;
using DirectAuth.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 2: after real requests, /metrics (Prometheus exposition) shows the DirectAuth counters changed by
/// exactly what the requests did, with the documented labels, and never a login or a phone number.
/// </summary>
/// <remarks>
/// A MeterProvider listens to every meter named DirectAuth in its process: in-process servers of other test classes
/// running at the same time would add their counts, so these tests run alone (one server per process in production).
/// </remarks>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string TokenRequests = "directauth_token_requests_total";
    private const string SignIns = "directauth_signins_total";

    private Task<PrometheusScrape> ScrapeAsync() => PrometheusScrape.FromAsync(server.Http);

    private static void AssertIncreased(PrometheusScrape before, PrometheusScrape after, double by, string name, params (string, string)[] labels) =>
        Assert.True(after.Value(name, labels) - before.Value(name, labels) == by,
            $"{name}{{{string.Join(",", labels.Select(l => $"{l.Item1}={l.Item2}"))}}}: {before.Value(name, labels)} -> {after.Value(name, labels)}, expected +{by}\n{after.Text}");

    [Fact]
    public async Task PasswordSignInWrongPasswordAndRefusedGrants_CountedByGrantTypeAndOutcome_NoLoginInMetrics()
    {
        var client = await server.RegisterClientAsync(grantTypes: ["password", "refresh_token"]);
        const string login = "metrics-password@example.com";
        await server.CreateUserAsync(login);
        var before = await ScrapeAsync();

        await server.SignInAsync(client.ClientId, login, scope: "openid profile");
        var (wrongStatus, wrong) = await server.PasswordGrantAsync(client.ClientId, login, "not-the-password", "openid");
        Assert.Equal(400, wrongStatus);
        Assert.Equal("invalid_grant", wrong.GetProperty("error").GetString());
        var (refusedStatus, refused) = await ServerFixture.ReadAsync(await server.PostFormAsync(OAuthTestKit.Token,
            ("grant_type", "client_credentials"), ("client_id", client.ClientId)));
        Assert.Equal(400, refusedStatus);
        Assert.Equal("unauthorized_client", refused.GetProperty("error").GetString());
        var (unknownStatus, _) = await ServerFixture.ReadAsync(await server.PostFormAsync(OAuthTestKit.Token,
            ("grant_type", "urn:example:made-up:" + login), ("client_id", client.ClientId)));
        Assert.Equal(400, unknownStatus);

        var after = await ScrapeAsync();
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", "password"), ("outcome", "success"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", "password"), ("outcome", "invalid_grant"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", "client_credentials"), ("outcome", "unauthorized_client"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", "other"), ("outcome", "unsupported_grant_type"));
        AssertIncreased(before, after, 1, SignIns, ("factor", "password"), ("outcome", "success"));
        AssertIncreased(before, after, 1, SignIns, ("factor", "password"), ("outcome", "invalid_grant"));
        AssertIncreased(before, after, 2, "directauth_signing_operations_total", ("alg", "RS256")); // access and ID token
        Assert.True(after.Value("directauth_db_write_batch_size_count") > before.Value("directauth_db_write_batch_size_count"), after.Text);
        Assert.True(after.Value("directauth_db_write_batch_size_sum") > before.Value("directauth_db_write_batch_size_sum"), after.Text);
        Assert.True(after.Has("http_server_request_duration_seconds_bucket"), "ASP.NET Core instrumentation");
        Assert.True(after.Has("process_runtime_dotnet_gc_collections_count_total") || after.Text.Contains("dotnet_gc", StringComparison.Ordinal)
            || after.Text.Contains("process_runtime_dotnet", StringComparison.Ordinal), "runtime instrumentation");
        if (TestDatabase.IsPostgres) // Npgsql's own meter: its connection pool and commands
            Assert.True(after.Text.Contains("db_client_", StringComparison.Ordinal), "Npgsql metrics\n" + after.Text);
        else // every SQLite write passed the write gate, and how long it waited is recorded
            Assert.True(after.Value("directauth_db_write_gate_wait_seconds_count") > before.Value("directauth_db_write_gate_wait_seconds_count"), after.Text);
        Assert.DoesNotContain("metrics-password", after.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("made-up", after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(client.ClientId, after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenWrongPasswords_TenRefusedSignInsAndOneLockout()
    {
        var client = await server.RegisterClientAsync(grantTypes: ["password"]);
        const string login = "metrics-lock@example.com";
        await server.CreateUserAsync(login);
        var before = await ScrapeAsync();

        for (var i = 0; i < 10; i++)
            Assert.Equal(400, (await server.PasswordGrantAsync(client.ClientId, login, "not-the-password", "openid")).Status);

        var after = await ScrapeAsync();
        AssertIncreased(before, after, 10, SignIns, ("factor", "password"), ("outcome", "invalid_grant"));
        AssertIncreased(before, after, 10, TokenRequests, ("grant_type", "password"), ("outcome", "invalid_grant"));
        AssertIncreased(before, after, 1, "directauth_lockouts_total");
        AssertIncreased(before, after, 0, SignIns, ("factor", "password"), ("outcome", "success"));
        Assert.DoesNotContain("metrics-lock", after.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PushSentAndApproved_CountedAndPendingGaugeFollowsTheTransaction()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "metrics-push@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var before = await ScrapeAsync();

        var (status, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        Assert.Equal(200, status);
        var push = await phone.NextPushAsync();
        var during = await ScrapeAsync();
        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None);
        Assert.Equal("APPROVED", answer.Status);
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (tokenStatus, _) = await OobKit.PollAsync(server, client.ClientId, started.GetProperty("oob_code").GetString()!);
        Assert.Equal(200, tokenStatus);

        var after = await ScrapeAsync();
        AssertIncreased(before, during, 1, "directauth_push_sent_total");
        Assert.Equal(before.Value("directauth_oob_pending") + 1, during.Value("directauth_oob_pending"));
        AssertIncreased(before, after, 1, "directauth_push_answered_total", ("answer", "approved"));
        AssertIncreased(before, after, 0, "directauth_push_answered_total", ("answer", "denied"));
        Assert.Equal(before.Value("directauth_oob_pending"), after.Value("directauth_oob_pending"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", GrantTypes.Oob), ("outcome", "success"));
        AssertIncreased(before, after, 1, SignIns, ("factor", "oob"), ("outcome", "success"));
        Assert.DoesNotContain("metrics-push", after.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PushLeftUnanswered_CountedOnceAsExpiredByTheCleanup_LateAnswerAndDecoyNotCounted()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "metrics-push-expiry@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var cleanup = server.Factory.Services.GetServices<IHostedService>().OfType<ExpiredRowsCleanup>().Single();
        await cleanup.DeleteExpiredAsync(CancellationToken.None); // pushes other tests left behind are counted now, not below
        var before = await ScrapeAsync();

        var (status, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        Assert.Equal(200, status);
        var push = await phone.NextPushAsync();
        var decoy = await OobKit.StartAsync(server, client.ClientId, "nobody-metrics-expiry@example.com"); // a decoy push
        Assert.True(decoy.Status == 200, decoy.Body.GetRawText());
        await cleanup.DeleteExpiredAsync(CancellationToken.None);
        var stillPending = await ScrapeAsync();

        server.Clock.Advance(TimeSpan.FromSeconds(started.GetProperty("expires_in").GetInt32() + 1));
        await cleanup.DeleteExpiredAsync(CancellationToken.None);
        var afterExpiry = await ScrapeAsync();
        var late = await Assert.ThrowsAsync<DeviceApiException>(() =>
            OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        var (pollStatus, poll) = await OobKit.PollAsync(server, client.ClientId, started.GetProperty("oob_code").GetString()!);
        Assert.Equal((403, OobKit.ExpiredDescription(started.GetProperty("oob_code").GetString()!)), (pollStatus, poll.Description()));
        await cleanup.DeleteExpiredAsync(CancellationToken.None);
        var after = await ScrapeAsync();

        AssertIncreased(before, stillPending, 0, "directauth_push_expired_total");
        AssertIncreased(before, afterExpiry, 1, "directauth_push_expired_total");
        AssertIncreased(afterExpiry, after, 0, "directauth_push_expired_total");
        AssertIncreased(before, after, 0, "directauth_push_answered_total", ("answer", "approved"));
        Assert.Equal(before.Value("directauth_oob_pending"), afterExpiry.Value("directauth_oob_pending"));
    }

    [Fact]
    public async Task PasswordThenMfaOtp_OneMfaChallengeByPrimaryFactor_WrongAndRightCodeCountedByGrant()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var before = await ScrapeAsync();

        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        var (wrongStatus, _) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp, TimeSpan.FromMinutes(-10)));
        Assert.Equal(400, wrongStatus);
        var (rightStatus, _) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));
        Assert.Equal(200, rightStatus);

        var after = await ScrapeAsync();
        AssertIncreased(before, after, 1, "directauth_mfa_challenges_total", ("factor", "password"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", "password"), ("outcome", "mfa_required"));
        AssertIncreased(before, after, 1, SignIns, ("factor", "password"), ("outcome", "mfa_required"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", GrantTypes.MfaOtp), ("outcome", "invalid_grant"));
        AssertIncreased(before, after, 1, TokenRequests, ("grant_type", GrantTypes.MfaOtp), ("outcome", "success"));
        Assert.DoesNotContain(login, after.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SmsSent_CountedByProviderAndChannel_NoPhoneNumberInMetrics()
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var user = await PhoneSignIn.UserAsync(server, "metrics-sms");
        var before = await ScrapeAsync();

        var (status, _, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
        Assert.Equal(200, status);

        var after = await ScrapeAsync();
        AssertIncreased(before, after, 1, "directauth_phone_sent_total", ("provider", "outbox"), ("channel", "sms"));
        AssertIncreased(before, after, 0, "directauth_phone_failed_total", ("provider", "outbox"), ("channel", "sms"));
        Assert.DoesNotContain(user.Phone.TrimStart('+'), after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics-sms", after.Text, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Refusals by the per-address rate limit are counted by group (a server of its own: the limit is low).</summary>
[Collection(MetricsCollection.Name)]
public sealed class RateLimitMetricsTests(RateLimitMetricsTests.LowTokenLimitServer server) : IClassFixture<RateLimitMetricsTests.LowTokenLimitServer>
{
    public sealed class LowTokenLimitServer : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RateLimits:Token:Limit"] = "3", ["RateLimits:Token:RefillPerSecond"] = "0.5",
        };
    }

    [Fact]
    public async Task FourTokenRequestsOverALimitOfThree_OneRefusalInGroupToken()
    {
        var client = await server.RegisterClientAsync(grantTypes: ["password"]);
        server.Clock.Advance(TimeSpan.FromSeconds(10)); // the bucket is full again
        var before = await PrometheusScrape.FromAsync(server.Http);

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await server.PasswordGrantAsync(client.ClientId, "metrics-rate@example.com", "not-the-password", "openid")).Status);

        var after = await PrometheusScrape.FromAsync(server.Http);
        Assert.Equal([400, 400, 400, 429], statuses);
        Assert.True(after.Value("directauth_rate_limit_refusals_total", ("group", "Token")) - before.Value("directauth_rate_limit_refusals_total", ("group", "Token")) == 1, after.Text);
        Assert.Equal(before.Value("directauth_rate_limit_refusals_total", ("group", "OAuth")), after.Value("directauth_rate_limit_refusals_total", ("group", "OAuth")));
    }
}

/// <summary>A code the SMS provider refuses is counted as failed for that provider, not as sent.</summary>
[Collection(MetricsCollection.Name)]
public sealed class PhoneFailureMetricsTests(WebhookServer server) : IClassFixture<WebhookServer>
{
    [Fact]
    public async Task WebhookAnswers500_OneFailedSmsForProviderWebhook_NoneSent()
    {
        server.Gateway.Reset();
        server.Gateway.Default = _ => new FakeGateway.Reply(500, "{}");
        try
        {
            var userId = await server.CreateUserAsync("metrics-sms-failed@example.com");
            var before = await PrometheusScrape.FromAsync(server.Http);

            var (status, _) = await PhoneSteps.EnrollAsync(server, userId, "sms", PhoneSteps.NewPhone());

            var after = await PrometheusScrape.FromAsync(server.Http);
            Assert.Equal(503, status);
            Assert.True(after.Value("directauth_phone_failed_total", ("provider", "webhook"), ("channel", "sms"))
                - before.Value("directauth_phone_failed_total", ("provider", "webhook"), ("channel", "sms")) == 1, after.Text);
            Assert.Equal(before.Value("directauth_phone_sent_total", ("provider", "webhook"), ("channel", "sms")),
                after.Value("directauth_phone_sent_total", ("provider", "webhook"), ("channel", "sms")));
        }
        finally
        {
            server.Gateway.Default = _ => new FakeGateway.Reply(200, "{}");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (not in parallel: meters are process-wide)";
}
