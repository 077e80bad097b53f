using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

public sealed class SystemLogTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Logs_AfterSignInsRefreshReuseAndAdminChanges_ListsEachEventAndNoSecret()
    {
        const string password = "first secret passphrase";
        const string wrongPassword = "wrong guess of the passphrase";
        const string newPassword = "second secret passphrase";
        const string badAdminToken = "not-the-admin-token-0123456789";
        var userId = await server.CreateUserAsync("audited@example.com", password);
        var (_, registered) = await server.SendAsync(HttpMethod.Post, "/oauth2/v1/clients",
            new { client_name = "Audited web app", application_type = "web", grant_types = new[] { "password", "refresh_token" }, token_endpoint_auth_method = "client_secret_post" });
        var clientId = registered.GetProperty("client_id").GetString()!;
        var secret = registered.GetProperty("client_secret").GetString()!;

        var (signIn, tokens) = await TokenAsync(("grant_type", "password"), ("client_id", clientId), ("client_secret", secret),
            ("username", "audited@example.com"), ("password", password), ("scope", "openid profile offline_access"));
        Assert.Equal(200, signIn);
        var (failed, _) = await TokenAsync(("grant_type", "password"), ("client_id", clientId), ("client_secret", secret),
            ("username", "audited@example.com"), ("password", wrongPassword), ("scope", "openid"));
        Assert.Equal(400, failed);
        var firstRefresh = tokens.GetProperty("refresh_token").GetString()!;
        var (refreshed, rotated) = await TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret), ("refresh_token", firstRefresh));
        Assert.Equal(200, refreshed);
        var (reused, _) = await TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret), ("refresh_token", firstRefresh));
        Assert.Equal(400, reused);

        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}", new { credentials = new { password = new { value = newPassword } } })).Status);
        var (_, newSecretBody) = await server.SendAsync(HttpMethod.Post, $"/oauth2/v1/clients/{clientId}/lifecycle/newSecret");
        var newSecret = newSecretBody.GetProperty("client_secret").GetString()!;
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, "/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate")).Status);
        var serverId = await server.CreateServerAsync();
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/suspend")).Status);
        using (var intruder = server.Factory.CreateClient())
        {
            intruder.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", badAdminToken);
            Assert.Equal(401, (int)(await intruder.GetAsync("/api/v1/users")).StatusCode);
        }

        var all = await AllEventsAsync("");
        var types = all.Select(e => e.GetProperty("eventType").GetString()).ToHashSet();
        foreach (var expected in new[]
        {
            "user.lifecycle.create", "application.lifecycle.create", "user.session.start", "app.oauth2.as.token.grant",
            "app.oauth2.as.token.grant.failure", "app.oauth2.token.detect_reuse", "user.account.update_password",
            "application.client_secret.rotate", "oauth2.as.key.rollover", "oauth2.as.created", "user.lifecycle.suspend",
            "system.api_token.authentication.failure",
        })
            Assert.Contains(expected, types);
        Assert.Contains(all, e => e.GetProperty("eventType").GetString() == "user.session.start"
            && e.GetProperty("outcome").GetProperty("result").GetString() == "FAILURE" && e.GetProperty("actor").GetProperty("id").GetString() == userId);
        Assert.Contains(all, e => e.GetProperty("eventType").GetString() == "oauth2.as.created"
            && e.GetProperty("target")[0].GetProperty("id").GetString() == serverId);

        var text = string.Join("\n", all.Select(e => e.GetRawText()));
        var secrets = new[]
        {
            password, wrongPassword, newPassword, secret, newSecret, firstRefresh, TestServerFactory.AdminToken, badAdminToken,
            tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("id_token").GetString()!,
            rotated.GetProperty("refresh_token").GetString()!, rotated.GetProperty("access_token").GetString()!,
        };
        foreach (var s in secrets) Assert.DoesNotContain(s, text, StringComparison.Ordinal);
        // Tokens are JWTs; none of their three parts may appear either (a signature alone would be enough to leak).
        foreach (var part in secrets.Where(s => s.Count(c => c == '.') == 2).SelectMany(s => s.Split('.')))
            Assert.DoesNotContain(part, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_FilterByTypeOutcomeActorAndTarget_OnlyMatchingEvents()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("filtered@example.com");
        await server.PasswordGrantAsync(client.ClientId, "filtered@example.com", ServerFixture.DefaultPassword);
        await server.PasswordGrantAsync(client.ClientId, "filtered@example.com", "a wrong password here");

        var failures = await AllEventsAsync($"filter={Q($"eventType eq \"user.session.start\" and outcome.result eq \"FAILURE\" and actor.id eq \"{userId}\"")}");
        var successes = await AllEventsAsync($"filter={Q($"eventType eq \"user.session.start\" and outcome.result eq \"SUCCESS\" and actor.id eq \"{userId}\"")}");
        var targeted = await AllEventsAsync($"filter={Q($"target.id eq \"{userId}\"")}");

        var failure = Assert.Single(failures);
        Assert.Equal("User login to DirectAuth", failure.GetProperty("displayMessage").GetString());
        Assert.Equal("filtered@example.com", failure.GetProperty("actor").GetProperty("alternateId").GetString());
        Assert.Equal(client.ClientId, failure.GetProperty("client").GetProperty("id").GetString());
        Assert.Equal("password", failure.GetProperty("debugContext").GetProperty("debugData").GetProperty("factor").GetString());
        Assert.Single(successes);
        Assert.Equal(["user.lifecycle.create", "user.lifecycle.activate"], targeted.Select(e => e.GetProperty("eventType").GetString()!).Order().Reverse().ToArray());
        Assert.All(targeted, e => Assert.Equal("User", e.GetProperty("target")[0].GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Logs_Q_MatchesSubstringOfMessageAndAlternateIds()
    {
        await server.CreateUserAsync("needle-in-haystack@example.com");

        var byLogin = await AllEventsAsync("q=IN-HAYSTACK");
        var byTwoWords = await AllEventsAsync($"q={Q("needle Activate")}");
        var none = await AllEventsAsync("q=needle-not-there");

        Assert.Equal(2, byLogin.Count);
        Assert.All(byLogin, e => Assert.Equal("needle-in-haystack@example.com", e.GetProperty("target")[0].GetProperty("alternateId").GetString()));
        Assert.Equal("user.lifecycle.activate", Assert.Single(byTwoWords).GetProperty("eventType").GetString());
        Assert.Empty(none);
    }

    [Fact]
    public async Task Logs_PagedWithLimitAndAfter_SameEventsAsOnePageInBothOrders()
    {
        var userId = await server.CreateUserAsync("paged@example.com");
        for (var i = 0; i < 5; i++)
            await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}", new { profile = new { firstName = "Name" + i } });
        var filter = $"filter={Q($"target.id eq \"{userId}\"")}";

        foreach (var order in new[] { "ASCENDING", "DESCENDING" })
        {
            var (_, whole) = await server.GetJsonAsync($"/api/v1/logs?{filter}&sortOrder={order}");
            var expected = whole.EnumerateArray().Select(e => e.GetProperty("uuid").GetString()).ToList();
            Assert.Equal(7, expected.Count);

            var paged = new List<string?>();
            var pages = 0;
            string? next = $"/api/v1/logs?{filter}&sortOrder={order}&limit=2";
            using var admin = server.Admin();
            while (next is not null)
            {
                var response = await admin.GetAsync(next);
                Assert.Equal(200, (int)response.StatusCode);
                var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.True(page.GetArrayLength() <= 2);
                paged.AddRange(page.EnumerateArray().Select(e => e.GetProperty("uuid").GetString()));
                next = NextLink(response);
                pages++;
            }
            Assert.Equal(expected, paged);
            Assert.Equal(4, pages);
            var published = whole.EnumerateArray().Select(e => e.GetProperty("published").GetString()!).ToList();
            Assert.Equal(order == "ASCENDING" ? published.Order(StringComparer.Ordinal) : published.OrderDescending(StringComparer.Ordinal), published);
        }
    }

    [Fact]
    public async Task Logs_SinceAndUntil_BoundTheTimeWindow()
    {
        var early = await server.CreateUserAsync("early@example.com");
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        var late = await server.CreateUserAsync("late@example.com");
        var lateEvent = (await AllEventsAsync($"filter={Q($"eventType eq \"user.lifecycle.create\" and target.id eq \"{late}\"")}")).Single();
        var boundary = lateEvent.GetProperty("published").GetString()!;
        var minuteBefore = DateTimeOffset.Parse(boundary, CultureInfo.InvariantCulture).AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        var since = await AllEventsAsync($"since={Q(minuteBefore)}&filter={Q("eventType eq \"user.lifecycle.create\"")}");
        var until = await AllEventsAsync($"until={Q(minuteBefore)}&filter={Q("eventType eq \"user.lifecycle.create\"")}");

        var sinceTargets = since.Select(e => e.GetProperty("target")[0].GetProperty("id").GetString()).ToList();
        var untilTargets = until.Select(e => e.GetProperty("target")[0].GetProperty("id").GetString()).ToList();
        Assert.Contains(late, sinceTargets);
        Assert.DoesNotContain(early, sinceTargets);
        Assert.Contains(early, untilTargets);
        Assert.DoesNotContain(late, untilTargets);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2025-13-45T00:00:00Z", "since")]
    [InlineData("until=12%2F01%2F2025", "until")]
    [InlineData("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("sortOrder=SIDEWAYS", "sortOrder")]
    [InlineData("after=%25%25%25", "after")]
    [InlineData("after=bm90LWEtY3Vyc29y", "after")]
    [InlineData("filter=eventType", "filter")]
    [InlineData("filter=eventType%20eq%20user.session.start", "filter")]
    [InlineData("filter=eventType%20eq%20%22x", "filter")]
    [InlineData("filter=eventType%20co%20%22x%22", "filter")]
    [InlineData("filter=password%20eq%20%22x%22", "filter")]
    [InlineData("filter=eventType%20eq%20%22x%22%20or%20eventType%20eq%20%22y%22", "filter")]
    [InlineData("filter=eventType%20eq%20%22x%22%20and", "filter")]
    [InlineData("filter=eventType%20eq%20%22bad%5Cescape%22", "filter")]
    public async Task Logs_MalformedQuery_400E0000001(string query, string field)
    {
        var (status, body) = await server.GetJsonAsync($"/api/v1/logs?{query}");

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.ErrorCode());
        Assert.Equal($"Api validation failed: {field}", body.GetProperty("errorSummary").GetString());
    }

    [Theory]
    [InlineData("since=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z")]
    [InlineData("since=2020-02-29&until=2099-01-01T00:00:00.1234567%2B05:30")]
    [InlineData("q=%25_%5C%27%22")]
    [InlineData("after=MHxh")]
    [InlineData("filter=uuid%20eq%20%22%25%22%20and%20severity%20eq%20%22WARN%22")]
    public async Task Logs_ExtremeButValidQuery_200(string query)
    {
        var (status, body) = await server.GetJsonAsync($"/api/v1/logs?{query}");

        Assert.Equal(200, status);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, body.ValueKind);
    }

    [Fact]
    public async Task Logs_QuotedValueWithAndAndEscapes_ParsedAsOneValue()
    {
        var (status, body) = await server.GetJsonAsync($"/api/v1/logs?filter={Q("eventType eq \"a \\\"quoted\\\" and \\\\ value\"")}");

        Assert.Equal(200, status);
        Assert.Equal(0, body.GetArrayLength());
    }

    [Fact]
    public async Task Logs_LimitAbove1000_Clamped()
    {
        using var admin = server.Admin();
        var response = await admin.GetAsync("/api/v1/logs?limit=5000");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("limit=1000", string.Join(",", response.Headers.GetValues("Link")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_NoAdminToken_401()
    {
        var (status, body) = await ServerFixture.ReadAsync(await server.Http.GetAsync("/api/v1/logs"));

        Assert.Equal(401, status);
        Assert.Equal("E0000011", body.ErrorCode());
    }

    private async Task<(int Status, JsonElement Body)> TokenAsync(params (string, string)[] form) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token", form));

    /// <summary>Every event matching <paramref name="query"/>, following the next links.</summary>
    private async Task<List<JsonElement>> AllEventsAsync(string query)
    {
        using var admin = server.Admin();
        var events = new List<JsonElement>();
        string? next = $"/api/v1/logs?limit=1000&{query}";
        while (next is not null)
        {
            var response = await admin.GetAsync(next);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
            events.AddRange(JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.Clone()));
            next = NextLink(response);
        }
        return events;
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        var next = links.SelectMany(l => l.Split(',')).FirstOrDefault(l => l.Contains("rel=\"next\"", StringComparison.Ordinal));
        return next is null ? null : new Uri(next.Trim()[1..next.Trim().IndexOf('>', StringComparison.Ordinal)]).PathAndQuery;
    }

    private static string Q(string value) => Uri.EscapeDataString(value);
}
