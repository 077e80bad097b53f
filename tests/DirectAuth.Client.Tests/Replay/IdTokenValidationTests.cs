using System.Security.Cryptography;
using System.Text;
using DirectAuth.Client.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>A bad id_token must never reach the app: each way a token can be wrong ends in InvalidIdToken.</summary>
public sealed class IdTokenValidationTests : ReplayTest
{
    private async Task<SignInStep> SignInWithIdTokenAsync(string idToken, string accessToken = "at-1")
    {
        Server.Reply("token", 200,
            $"{{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"{accessToken}\",\"scope\":\"openid\",\"id_token\":\"{idToken}\"}}");
        return await NewClient().SignInWithPasswordAsync("ada@example.com", "pw");
    }

    private static void AssertRefused(SignInStep step, string reason)
    {
        var failed = Assert.IsType<SignInFailed>(step);
        Assert.Equal(DirectAuthErrorKind.InvalidIdToken, failed.Kind);
        Assert.Contains(reason, failed.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdToken_Valid_ClaimsExposed()
    {
        var success = Assert.IsType<SignInSuccess>(await SignInWithIdTokenAsync(Server.MintIdToken("at-1"), "at-1"));

        Assert.Equal(ReplayServer.Subject, success.Tokens.Subject);
        Assert.Equal("Ada Lovelace", success.Tokens.User!.FindFirst("name")!.Value);
        Assert.Equal("pwd", success.Tokens.User.FindFirst("amr")!.Value);
    }

    [Fact]
    public async Task IdToken_PayloadTampered_Refused()
    {
        var parts = Server.MintIdToken(null).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(ReplayServer.Subject, "00uSomeoneElse", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        AssertRefused(await SignInWithIdTokenAsync(tampered), "bad signature");
    }

    [Fact]
    public async Task IdToken_WrongAudience_Refused() =>
        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken(null, c => c["aud"] = "0oaAnotherApp")), "wrong audience");

    [Fact]
    public async Task IdToken_WrongIssuer_Refused() =>
        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken(null, c => c["iss"] = Server.Origin + "/oauth2/other")), "wrong issuer");

    [Fact]
    public async Task IdToken_Expired_Refused()
    {
        var past = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken(null, c => { c["iat"] = past; c["exp"] = past + 600; })), "expired");
    }

    [Fact]
    public async Task IdToken_SignedWithUnpublishedKey_Refused() =>
        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken(null, signWith: new SigningCredentials(ReplayServer.NewRsaKey("rogue"), "RS256"))),
            "The id_token is not valid");

    [Fact]
    public async Task IdToken_Unsigned_Refused()
    {
        var parts = Server.MintIdToken(null).Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        AssertRefused(await SignInWithIdTokenAsync($"{header}.{parts[1]}."), "The id_token is not valid");
    }

    [Fact]
    public async Task IdToken_SymmetricAlgorithm_Refused()
    {
        var hmac = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "replay-key-1" };

        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken(null, signWith: new SigningCredentials(hmac, "HS256"))), "The id_token is not valid");
    }

    [Fact]
    public async Task IdToken_AtHashOfAnotherAccessToken_Refused() =>
        AssertRefused(await SignInWithIdTokenAsync(Server.MintIdToken("another-access-token"), "at-1"), "at_hash");

    [Fact]
    public async Task IdToken_NotAJwt_Refused() =>
        AssertRefused(await SignInWithIdTokenAsync("not-a-jwt"), "well-formed");

    [Fact]
    public async Task IdToken_SignedWithRotatedKey_JwksRefetchedOnceAndAccepted()
    {
        var client = NewClient();
        Server.Reply("token", 200, Server.TokenResponse());
        Assert.IsType<SignInSuccess>(await client.SignInWithPasswordAsync("ada@example.com", "pw"));
        var rotated = ReplayServer.NewRsaKey("replay-key-2");
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rotated.Rsa.ExportParameters(false)) { KeyId = "replay-key-2" });
        Server.JwksOverride = $$"""{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"replay-key-2","e":"{{jwk.E}}","n":"{{jwk.N}}"}]}""";
        Server.Reply("token", 200, Server.TokenResponse(signWith: new SigningCredentials(rotated, "RS256")));

        Assert.IsType<SignInSuccess>(await client.SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(2, Server.Requests.Count(r => r.Path == "/oauth2/default/v1/keys"));
    }

    [Fact]
    public async Task Discovery_ForAnotherIssuer_RefusedBeforeAnyTokenRequest()
    {
        Server.Discovery["issuer"] = Server.Origin + "/oauth2/evil";

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.InvalidResponse, failed.Kind);
        Assert.Empty(Server.RequestsTo("token"));
    }
}
