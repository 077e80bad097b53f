using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Seed flows 000/001: password, 403 mfa_required, /challenge, push to the authenticator app, poll the mfa-oob grant.</summary>
public sealed class MfaPushTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] MfaGrants = ["password", "refresh_token", GrantTypes.MfaOob, GrantTypes.Oob];

    private async Task<(string ClientId, OobKit.PushUser User, string MfaToken)> SignInWithPasswordAsync(string login, string numberChallenge = "never")
    {
        var client = await OobKit.RegisterAppAsync(server, numberChallenge, grants: MfaGrants);
        var user = await OobKit.CreatePushUserAsync(server, login);
        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword, "openid profile offline_access");
        Assert.Equal(403, status);
        Assert.Equal("mfa_required", body.Error());
        Assert.Equal("Verify with an additional authenticator to complete the sign-in process.", body.Description());
        return (client.ClientId, user, body.GetProperty("mfa_token").GetString()!);
    }

    private async Task<(int Status, System.Text.Json.JsonElement Body)> ChallengeAsync(string clientId, string mfaToken, params (string, string)[] extra) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/challenge",
            [("client_id", clientId), ("mfa_token", mfaToken), ("challenge_types_supported", GrantTypes.MfaOob), .. extra]));

    private async Task<(int Status, System.Text.Json.JsonElement Body)> PollAsync(string clientId, string mfaToken, string oobCode) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.MfaOob), ("client_id", clientId), ("mfa_token", mfaToken), ("oob_code", oobCode)));

    [Fact]
    public async Task MfaPush_ChallengeThenApproveOnThePhone_TokensWithPwdSwkMfa()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var (status, challenge) = await ChallengeAsync(clientId, mfaToken);

        Assert.Equal(200, status);
        Assert.Equal(GrantTypes.MfaOob, challenge.GetProperty("challenge_type").GetString());
        Assert.Equal("push", challenge.GetProperty("channel").GetString());
        Assert.Equal("none", challenge.GetProperty("binding_method").GetString());
        Assert.Equal(5, challenge.GetProperty("interval").GetInt32());
        Assert.Equal(300, challenge.GetProperty("expires_in").GetInt32());
        var oobCode = challenge.GetProperty("oob_code").GetString()!;
        var (pendingStatus, pending) = await PollAsync(clientId, mfaToken, oobCode);
        Assert.Equal((400, "authorization_pending"), (pendingStatus, pending.Error()));

        var push = await phone.NextPushAsync();
        Assert.True(push.Mfa);
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None);
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (tokenStatus, tokens) = await PollAsync(clientId, mfaToken, oobCode);

        Assert.Equal(200, tokenStatus);
        Assert.Equal("openid profile offline_access", tokens.GetProperty("scope").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refresh_token").GetString()));
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(["pwd", "swk", "mfa"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", id.GetPayloadValue<string>("acr"));
        var (again, used) = await PollAsync(clientId, mfaToken, oobCode);
        Assert.Equal((403, "access_denied"), (again, used.Error()));
    }

    [Fact]
    public async Task MfaPush_NumberChallenge_UserPicksTheNumber()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push-nc@example.com", "always");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var (_, challenge) = await ChallengeAsync(clientId, mfaToken, ("channel_hint", "push"));
        var bindingCode = challenge.GetProperty("binding_code").GetString()!;
        var push = await phone.NextPushAsync();

        Assert.Equal("transfer", challenge.GetProperty("binding_method").GetString());
        Assert.Contains(bindingCode, push.Numbers!);
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None);
        Assert.Equal(200, (await PollAsync(clientId, mfaToken, challenge.GetProperty("oob_code").GetString()!)).Status);
    }

    [Fact]
    public async Task MfaPush_NumberChallengeOtherNumberPicked_AccessDeniedSayingItWasAnotherNumber()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push-nc-wrong@example.com", "always");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, challenge) = await ChallengeAsync(clientId, mfaToken, ("channel_hint", "push"));
        var bindingCode = challenge.GetProperty("binding_code").GetString()!;
        var push = await phone.NextPushAsync();

        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, push.Numbers!.First(n => n != bindingCode), CancellationToken.None);
        var (status, body) = await PollAsync(clientId, mfaToken, challenge.GetProperty("oob_code").GetString()!);

        Assert.Equal((400, "access_denied"), (status, body.Error()));
        Assert.Equal(ErrorDescriptions.WrongNumber, body.Description());
    }

    [Fact]
    public async Task MfaPush_Denied_AccessDenied()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push-deny@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, challenge) = await ChallengeAsync(clientId, mfaToken);
        var push = await phone.NextPushAsync();

        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Deny, null, CancellationToken.None);
        var (status, body) = await PollAsync(clientId, mfaToken, challenge.GetProperty("oob_code").GetString()!);

        Assert.Equal((400, "access_denied"), (status, body.Error()));
        Assert.Equal("The user denied the out-of-band authenticator request.", body.Description());
    }

    [Fact]
    public async Task MfaPush_OobCodeOfAnotherMfaToken_InvalidRequestAndBothUnchanged()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push-mix@example.com");
        var (_, other) = await server.PasswordGrantAsync(clientId, user.Login, ServerFixture.DefaultPassword);
        var otherToken = other.GetProperty("mfa_token").GetString()!;
        var (_, challenge) = await ChallengeAsync(clientId, mfaToken);
        var oobCode = challenge.GetProperty("oob_code").GetString()!;

        var (status, body) = await PollAsync(clientId, otherToken, oobCode);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal("The 'oob_code' and the 'mfa_token' provided are not associated with each other. Review the values and try again.", body.Description());
        Assert.Equal("authorization_pending", (await PollAsync(clientId, mfaToken, oobCode)).Body.Error());
    }

    [Fact]
    public async Task MfaPush_CodesAcrossGrants_InvalidRequest()
    {
        var (clientId, user, mfaToken) = await SignInWithPasswordAsync("mfa-push-cross@example.com");
        var (_, challenge) = await ChallengeAsync(clientId, mfaToken);
        var mfaOobCode = challenge.GetProperty("oob_code").GetString()!;
        var (_, primary) = await OobKit.StartAsync(server, clientId, user.Login);
        var primaryOobCode = primary.GetProperty("oob_code").GetString()!;

        var (asPrimary, primaryBody) = await OobKit.PollAsync(server, clientId, mfaOobCode);
        var (asMfa, mfaBody) = await PollAsync(clientId, mfaToken, primaryOobCode);

        Assert.Equal((400, "invalid_request"), (asPrimary, primaryBody.Error()));
        Assert.Equal((400, "invalid_request"), (asMfa, mfaBody.Error()));
    }

    [Fact]
    public async Task MfaPush_ChallengeLate_OobCodeExpiresWithTheMfaToken()
    {
        var (clientId, _, mfaToken) = await SignInWithPasswordAsync("mfa-push-late@example.com");
        server.Clock.Advance(TimeSpan.FromSeconds(100));

        var (_, challenge) = await ChallengeAsync(clientId, mfaToken);

        Assert.Equal(200, challenge.GetProperty("expires_in").GetInt32());
        server.Clock.Advance(TimeSpan.FromSeconds(201));
        var (status, body) = await PollAsync(clientId, mfaToken, challenge.GetProperty("oob_code").GetString()!);
        Assert.Equal((403, "access_denied"), (status, body.Error()));
    }

    [Fact]
    public async Task MfaPush_MissingParameters_InvalidRequest()
    {
        var (clientId, _, mfaToken) = await SignInWithPasswordAsync("mfa-push-missing@example.com");

        var (noOob, noOobBody) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.MfaOob), ("client_id", clientId), ("mfa_token", mfaToken)));
        var (noMfa, noMfaBody) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.MfaOob), ("client_id", clientId), ("oob_code", "x")));

        Assert.Equal((400, "invalid_request", "The 'oob_code' parameter is required."), (noOob, noOobBody.Error(), noOobBody.Description()));
        Assert.Equal((400, "invalid_request", "The 'mfa_token' parameter is required."), (noMfa, noMfaBody.Error(), noMfaBody.Description()));
    }

    [Fact]
    public async Task PushPrimary_PolicyAllowsOnlyPassword_AccessDeniedAndNoPush()
    {
        var client = await server.RegisterClientAsync(OobKit.Grants);
        var user = await OobKit.CreatePushUserAsync(server, "policy-password-only@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();

        var (status, body) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        var (unknownStatus, unknown) = await OobKit.StartAsync(server, client.ClientId, "policy-nobody@example.com");

        Assert.Equal((400, "access_denied"), (status, body.Error()));
        Assert.Equal("Policy evaluation failed for this request, please check the policy configurations.", body.Description());
        Assert.Equal(body.GetRawText(), unknown.GetRawText());
        Assert.Equal(400, unknownStatus);
        Assert.True(await phone.QuietAsync());
    }
}
