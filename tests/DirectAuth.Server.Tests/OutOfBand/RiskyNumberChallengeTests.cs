using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Number challenge "risky" (a choice below NIST SP 800-63B-4; the default is "always"): only for a new IP address or a new app for this user.</summary>
public sealed class RiskyNumberChallengeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Home = "203.0.113.10";

    private Task<(int Status, System.Text.Json.JsonElement Body)> StartFromAsync(string ip, string clientId, string login) =>
        RemoteAddress.PostFormAsync(server, ip, "/oauth2/default/v1/primary-authenticate",
            ("client_id", clientId), ("login_hint", login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

    /// <summary>A complete push sign-in from <paramref name="ip"/>: started and polled from there, approved on the phone.</summary>
    private async Task<string> SignInFromAsync(string ip, string clientId, OobKit.PushUser user)
    {
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, started) = await StartFromAsync(ip, clientId, user.Login);
        var push = await phone.NextPushAsync();
        var bindingCode = started.TryGetProperty("binding_code", out var b) ? b.GetString() : null;
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None);
        var (status, _) = await RemoteAddress.PostFormAsync(server, ip, "/oauth2/default/v1/token", ("grant_type", GrantTypes.Oob),
            ("client_id", clientId), ("oob_code", started.GetProperty("oob_code").GetString()!), ("scope", "openid"));
        Assert.Equal(200, status);
        return started.GetProperty("binding_method").GetString()!;
    }

    [Fact]
    public async Task Risky_FirstSignIn_ChallengeThenKnownIpAndAppNoChallenge()
    {
        var app = await OobKit.RegisterAppAsync(server, "risky");
        var user = await OobKit.CreatePushUserAsync(server, "risky-known@example.com");

        Assert.Equal("transfer", await SignInFromAsync(Home, app.ClientId, user));
        Assert.Equal("none", await SignInFromAsync(Home, app.ClientId, user));
    }

    [Fact]
    public async Task Risky_NewIpOrNewApp_Challenge()
    {
        var app = await OobKit.RegisterAppAsync(server, "risky");
        var otherApp = await OobKit.RegisterAppAsync(server, "risky");
        var user = await OobKit.CreatePushUserAsync(server, "risky-new@example.com");
        await SignInFromAsync(Home, app.ClientId, user);

        var (_, newIp) = await StartFromAsync("198.51.100.7", app.ClientId, user.Login);
        var (_, newApp) = await StartFromAsync(Home, otherApp.ClientId, user.Login);
        var (_, known) = await StartFromAsync(Home, app.ClientId, user.Login);

        Assert.Equal("transfer", newIp.GetProperty("binding_method").GetString());
        Assert.Equal("transfer", newApp.GetProperty("binding_method").GetString());
        Assert.Equal("none", known.GetProperty("binding_method").GetString());
    }

    [Fact]
    public async Task Risky_PasswordSignInFromTheSameIpAndApp_MakesThemKnown()
    {
        var app = await OobKit.RegisterAppAsync(server, "risky", secondFactor: "none");
        var user = await OobKit.CreatePushUserAsync(server, "risky-password@example.com");
        var (passwordStatus, _) = await RemoteAddress.PostFormAsync(server, Home, "/oauth2/default/v1/token", ("grant_type", "password"),
            ("client_id", app.ClientId), ("username", user.Login), ("password", ServerFixture.DefaultPassword), ("scope", "openid"));
        Assert.Equal(200, passwordStatus);

        var (_, started) = await StartFromAsync(Home, app.ClientId, user.Login);

        Assert.Equal("none", started.GetProperty("binding_method").GetString());
    }

    [Fact]
    public async Task Risky_UnknownUser_AnswersLikeAUserWithoutHistory()
    {
        var app = await OobKit.RegisterAppAsync(server, "risky");

        var (status, started) = await StartFromAsync(Home, app.ClientId, "risky-nobody@example.com");

        Assert.Equal(200, status);
        Assert.Equal("transfer", started.GetProperty("binding_method").GetString());
        Assert.Matches("^[1-9][0-9]$", started.GetProperty("binding_code").GetString()!);
    }
}
