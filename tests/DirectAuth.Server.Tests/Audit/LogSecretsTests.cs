using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>
/// Issue 16 item 4: no presented or issued secret (oob_code, binding code, mfa_token, access, id and refresh
/// token, password, client secret) in any system log event (debugData included) or log line.
/// </summary>
public sealed class LogSecretsTests(LoggingServerFixture server) : IClassFixture<LoggingServerFixture>
{
    private readonly List<string> _secrets = [];

    [Fact]
    public async Task Logs_AfterUsedExpiredUnknownAndWrongOobCodes_NoCodeInEventsOrLogLines()
    {
        var logs = CapturedLogs.On(server.Factory);
        var client = await PhoneSignIn.ClientAsync(server);
        var user = await PhoneSignIn.UserAsync(server, "log-secrets-oob");

        var (started, start, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
        Assert.True(started == 200, $"{started} {start}");
        var oobCode = Secret(start.GetProperty("oob_code").GetString()!);
        var code = Secret(await PhoneSteps.LatestCodeAsync(server, user.Phone));
        var (wrong, _) = await PhoneSignIn.TokenAsync(server, client.ClientId, oobCode, Secret(PhoneSteps.WrongCode(code)));
        Assert.Equal(400, wrong);
        var (ok, tokens) = await PhoneSignIn.TokenAsync(server, client.ClientId, oobCode, code);
        Assert.True(ok == 200, $"{ok} {tokens}");
        Secret(tokens.GetProperty("access_token").GetString()!);
        Secret(tokens.GetProperty("id_token").GetString()!);

        var (used, usedBody) = await PhoneSignIn.TokenAsync(server, client.ClientId, oobCode, code);
        Assert.Equal(403, used);
        Assert.Equal(PhoneSignIn.ExpiredDescription(oobCode), usedBody.GetProperty("error_description").GetString()); // the wire still echoes it, as Okta does

        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var (_, second, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
        var expiredCode = Secret(second.GetProperty("oob_code").GetString()!);
        server.Clock.Advance(TimeSpan.FromSeconds(301));
        var (expired, _) = await PhoneSignIn.TokenAsync(server, client.ClientId, expiredCode, Secret(await PhoneSteps.LatestCodeAsync(server, user.Phone)));
        Assert.Equal(403, expired);
        var (unknown, _) = await PhoneSignIn.TokenAsync(server, client.ClientId, Secret("ftUnknownOobCode" + RandomNumberGenerator.GetHexString(16)), null);
        Assert.Equal(403, unknown);

        await AssertNoSecretAsync(logs);
    }

    [Fact]
    public async Task Logs_AfterMfaRefreshReuseBadSecretAndWrongPassword_NoSecretInEventsOrLogLines()
    {
        var logs = CapturedLogs.On(server.Factory);
        var client = await PhoneMfaSteps.ClientAsync(server);
        var (_, login, phone, mfaToken) = await PhoneMfaSteps.SignedInAsync(server, client.ClientId, "log-secrets-mfa", "sms");
        Secret(mfaToken);
        var oobCode = Secret(await PhoneMfaSteps.OobCodeAsync(server, client.ClientId, mfaToken, "sms"));
        var code = Secret(await PhoneSteps.LatestCodeAsync(server, phone));
        var (wrong, _) = await PhoneMfaSteps.TokenAsync(server, client.ClientId, mfaToken, oobCode, Secret(PhoneSteps.WrongCode(code)));
        Assert.Equal(400, wrong);
        var (ok, tokens) = await PhoneMfaSteps.TokenAsync(server, client.ClientId, mfaToken, oobCode, code);
        Assert.True(ok == 200, $"{ok} {tokens}");
        var refresh = Secret(tokens.GetProperty("refresh_token").GetString()!);
        Secret(tokens.GetProperty("access_token").GetString()!);
        var (again, _) = await PhoneMfaSteps.TokenAsync(server, client.ClientId, mfaToken, oobCode, code);
        Assert.NotEqual(200, again);

        var (refreshed, rotated) = await server.RefreshAsync(client.ClientId, refresh);
        Assert.Equal(200, refreshed);
        Secret(rotated.GetProperty("refresh_token").GetString()!);
        var (reused, _) = await server.RefreshAsync(client.ClientId, refresh);
        Assert.Equal(400, reused);

        var (wrongPassword, _) = await server.PasswordGrantAsync(client.ClientId, login, Secret("not the password " + RandomNumberGenerator.GetHexString(8)));
        Assert.Equal(400, wrongPassword);
        Secret(ServerFixture.DefaultPassword);

        var confidential = await server.RegisterClientAsync(authMethod: "client_secret_post", applicationType: "web");
        Secret(confidential.ClientSecret!);
        var (badSecret, _) = await ServerFixture.ReadAsync(await server.PostFormAsync(OAuthTestKit.Token, ("grant_type", "password"),
            ("client_id", confidential.ClientId), ("client_secret", Secret("wrong-secret-" + RandomNumberGenerator.GetHexString(24))),
            ("username", login), ("password", ServerFixture.DefaultPassword)));
        Assert.Equal(401, badSecret);

        await AssertNoSecretAsync(logs);
    }

    private string Secret(string value)
    {
        _secrets.Add(value);
        return value;
    }

    /// <summary>Every event of the system log API (a day back) and every captured log line, searched for each secret.</summary>
    private async Task AssertNoSecretAsync(CapturedLogs logs)
    {
        using var admin = server.Admin();
        var since = server.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var response = await admin.GetAsync($"/api/v1/logs?since={since}&limit=1000");
        var events = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, events);
        Assert.True(JsonDocument.Parse(events).RootElement.GetArrayLength() > 5, events);
        var lines = string.Join("\n", logs.Lines);
        Assert.Contains("audit ", lines, StringComparison.Ordinal);
        foreach (var secret in _secrets)
        {
            // Six-digit codes are searched as whole numbers, so a code cannot match inside an id or a time.
            var pattern = secret.All(char.IsAsciiDigit) ? $"(?<![0-9A-Za-z]){secret}(?![0-9A-Za-z])" : Regex.Escape(secret);
            Assert.False(Regex.IsMatch(events, pattern), $"the system log holds the secret {secret}: {events}");
            Assert.False(Regex.IsMatch(lines, pattern), $"a log line holds the secret {secret}: {lines}");
        }
    }
}
