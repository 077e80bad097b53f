using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>Every way a passkey sign-in can be misused gets the contract's answer (section 9), never a 500.</summary>
public sealed class PasskeyMisuseTests(PasskeyServer server) : IClassFixture<PasskeyServer>
{
    [Fact]
    public async Task Replay_SameAssertionTwice_SecondAccessDenied()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var assertion = key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin);
        var (first, firstBody) = await server.RedeemAsync(client.ClientId, assertion);
        Assert.True(first == 200, $"{first} {firstBody}");

        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Fact]
    public async Task Challenge_FailedOnce_CannotBeReused()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);
        var (bad, badBody) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, "https://evil.example"));
        MfaSteps.AssertError(bad, badBody, 400, "invalid_grant");

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Fact]
    public async Task Challenge_Expired_AccessDenied()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Fact]
    public async Task Challenge_OfAnotherClient_AccessDenied()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var other = await server.RegisterClientAsync(PasskeySteps.Grants);
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(other.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Fact]
    public async Task Challenge_NeverIssued_AccessDenied()
    {
        var (client, _, _, key) = await server.UserWithPasskeyAsync();
        var made = System.Text.Json.JsonDocument.Parse($$"""{"challenge":"{{SoftwarePasskey.B64(new byte[32])}}","rpId":"localhost"}""").RootElement;

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(made, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Theory]
    [InlineData("wrong-origin")]
    [InlineData("wrong-rp-id")]
    [InlineData("uv-missing")]
    [InlineData("up-missing")]
    [InlineData("wrong-type")]
    [InlineData("bad-signature")]
    public async Task Assertion_FailsVerification_InvalidGrant(string misuse)
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);
        var assertion = misuse switch
        {
            "wrong-origin" => key.Assert(publicKey, "https://localhost.evil.example"),
            "wrong-rp-id" => key.Assert(publicKey, PasskeyServer.Origin, rpId: "evil.example"),
            "uv-missing" => key.Assert(publicKey, PasskeyServer.Origin, flags: SoftwarePasskey.Up),
            "up-missing" => key.Assert(publicKey, PasskeyServer.Origin, flags: SoftwarePasskey.Uv),
            "wrong-type" => key.Assert(publicKey, PasskeyServer.Origin, type: "webauthn.create"),
            _ => key.Assert(publicKey, PasskeyServer.Origin) with { Signature = SoftwarePasskey.B64(new byte[70]) },
        };

        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        var failure = await AuditEvents.LatestAsync(server, "user.authentication.auth_via_webauthn", null);
        Assert.Equal("FAILURE", failure!.Outcome);
    }

    [Fact]
    public async Task Counter_GoesBackwards_RefusedWithWarnEvent()
    {
        var (client, userId, login, key) = await server.UserWithPasskeyAsync();
        var (ok, okBody) = await server.RedeemAsync(client.ClientId, key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin, counter: 10));
        Assert.True(ok == 200, $"{ok} {okBody}");

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin, counter: 5));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        var warn = (await AuditEvents.AllAsync(server, "user.authentication.auth_via_webauthn.clone_suspected")).Single(e => e.ActorId == userId);
        Assert.Equal("WARN", warn.Severity);
        Assert.Equal("COUNTER_ROLLBACK", warn.Reason);
    }

    [Fact]
    public async Task Credential_OfAnotherUser_InvalidGrant()
    {
        var (client, _, login, _) = await server.UserWithPasskeyAsync();
        var (_, _, _, otherKey) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, otherKey.Assert(publicKey, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Fact]
    public async Task Discoverable_UserHandleOfAnotherUser_InvalidGrant()
    {
        var (client, _, _, key) = await server.UserWithPasskeyAsync();
        var (_, _, _, otherKey) = await server.UserWithPasskeyAsync();
        var (_, challenge) = await server.PrimaryChallengeAsync(client.ClientId, null);

        var assertion = key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin) with { UserHandle = SoftwarePasskey.B64(otherKey.UserHandle!) };
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Theory]
    [InlineData("clientDataJSON", "not*base64url!", 400, "invalid_request")]
    [InlineData("authenticatorData", "%%%", 400, "invalid_request")]
    [InlineData("signature", "", 400, "invalid_request")]
    [InlineData("userHandle", "@@", 400, "invalid_request")]
    [InlineData("clientDataJSON", "bm90IGpzb24", 400, "invalid_request")]     // "not json"
    [InlineData("clientDataJSON", "WzEsMiwzXQ", 400, "invalid_request")]       // [1,2,3]
    [InlineData("authenticatorData", "AAEC", 400, "invalid_grant")]           // 3 bytes
    [InlineData("authenticatorData", "long", 400, "invalid_grant")]           // authData claiming extensions, with bad CBOR
    [InlineData("signature", "MEUCIQ", 400, "invalid_grant")]                 // truncated DER
    public async Task Malformed_Field_400NeverA500(string field, string value, int expectedStatus, string expectedError)
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var assertion = key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin);
        if (value == "long")
        {
            var data = SoftwarePasskey.FromB64(assertion.AuthenticatorData);
            data[32] |= 0x80; // ED: extensions follow
            value = SoftwarePasskey.B64([.. data, 0xbf, 0xff, 0x1c]);
        }
        var fields = assertion.Fields().Where(f => f.Item1 != field).Append((field, value));
        var form = new List<(string, string)> { ("grant_type", PasskeySteps.Webauthn), ("client_id", client.ClientId), ("scope", "openid") };
        form.AddRange(fields);

        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token", [.. form]));

        MfaSteps.AssertError(status, body, expectedStatus, expectedError);
    }

    [Fact]
    public async Task Enumeration_UnknownLogin_SameShapeStableDecoy()
    {
        var (client, _, login, _) = await server.UserWithPasskeyAsync();
        var (realStatus, real) = await server.PrimaryChallengeAsync(client.ClientId, login);
        var (status, decoy) = await server.PrimaryChallengeAsync(client.ClientId, "nobody-" + Guid.NewGuid().ToString("N") + "@example.com");
        var nobody = "nobody-stable@example.com";
        var (_, first) = await server.PrimaryChallengeAsync(client.ClientId, nobody);
        var (_, second) = await server.PrimaryChallengeAsync(client.ClientId, nobody);

        Assert.Equal(realStatus, status);
        Assert.Equal(Keys(real), Keys(decoy));
        Assert.Equal(Keys(real.GetProperty("publicKey")), Keys(decoy.GetProperty("publicKey")));
        Assert.Equal(Keys(real.GetProperty("authenticatorEnrollments")[0]), Keys(decoy.GetProperty("authenticatorEnrollments")[0]));
        Assert.Equal(real.GetProperty("publicKey").GetProperty("allowCredentials")[0].GetProperty("id").GetString()!.Length,
            decoy.GetProperty("publicKey").GetProperty("allowCredentials")[0].GetProperty("id").GetString()!.Length);
        Assert.Equal(Ids(first), Ids(second));
        Assert.NotEqual(first.GetProperty("publicKey").GetProperty("challenge").GetString(), second.GetProperty("publicKey").GetProperty("challenge").GetString());

        static List<string> Keys(System.Text.Json.JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToList();
        static List<string?> Ids(System.Text.Json.JsonElement e) =>
            e.GetProperty("publicKey").GetProperty("allowCredentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
    }

    [Fact]
    public async Task Enumeration_DecoyRedeemed_InvalidGrantLikeAWrongPasskey()
    {
        var (client, _, _, key) = await server.UserWithPasskeyAsync();
        var (_, decoy) = await server.PrimaryChallengeAsync(client.ClientId, "nobody-" + Guid.NewGuid().ToString("N") + "@example.com");

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(decoy.GetProperty("publicKey"), PasskeyServer.Origin, withUserHandle: false));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("without-passkey")]
    public async Task Enumeration_DecoyAnsweredByAnotherUsersDiscoverablePasskey_InvalidGrant(string who)
    {
        var (client, _, _, key) = await server.UserWithPasskeyAsync();
        var login = "nobody-" + Guid.NewGuid().ToString("N") + "@example.com";
        if (who == "without-passkey") await server.CreateUserAsync(login);
        var (_, decoy) = await server.PrimaryChallengeAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(decoy.GetProperty("publicKey"), PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Fact]
    public async Task Enumeration_DecoyAaguid_FromTheSoftwareAaguids()
    {
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        var (_, decoy) = await server.PrimaryChallengeAsync(client.ClientId, "nobody-" + Guid.NewGuid().ToString("N") + "@example.com");

        Assert.All(decoy.GetProperty("authenticatorEnrollments").EnumerateArray(),
            e => Assert.Equal("08fc0c68-688e-455e-b7f0-4006f0e2b28c", e.GetProperty("profile").GetProperty("aaguid").GetString()));
    }

    [Fact]
    public async Task Concurrency_TwentyRedemptionsOfOneChallenge_ExactlyOneSucceeds()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var assertion = key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.RedeemAsync(client.ClientId, assertion)));

        Assert.Equal(1, results.Count(r => r.Status == 200));
        Assert.All(results.Where(r => r.Status != 200), r => MfaSteps.AssertError(r.Status, r.Body, 403, "access_denied"));
    }
}
