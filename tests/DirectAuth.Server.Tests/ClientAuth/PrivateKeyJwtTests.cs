using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.ClientAuth;

/// <summary>
/// private_key_jwt (RFC 7523) with RS256 and ES256 keys: <c>aud</c> may be the endpoint URL or the issuer,
/// each <c>jti</c> is accepted once, and anything else wrong is 401 invalid_client.
/// </summary>
public sealed class PrivateKeyJwtTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const string TokenUrl = "http://localhost/oauth2/default/v1/token";
    private const string Issuer = "http://localhost/oauth2/default";

    /// <summary>A key pair the test holds, with its public JWKS for registration.</summary>
    public sealed record TestKey(SecurityKey Key, string Alg, object Jwks)
    {
        public static TestKey Rsa()
        {
            var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            var kid = Guid.NewGuid().ToString("N");
            return new(new RsaSecurityKey(rsa) { KeyId = kid }, "RS256", new
            {
                keys = new[] { new { kty = "RSA", kid, use = "sig", alg = "RS256", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } },
            });
        }

        public static TestKey EcP256()
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(false);
            var kid = Guid.NewGuid().ToString("N");
            return new(new ECDsaSecurityKey(ec) { KeyId = kid }, "ES256", new
            {
                keys = new[] { new { kty = "EC", kid, use = "sig", alg = "ES256", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) } },
            });
        }
    }

    private string Assertion(TestKey key, string clientId, string audience = TokenUrl, string? jti = "new", TimeSpan? expiresIn = null,
        string? issuer = null, string? subject = null)
    {
        var now = server.Clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = subject ?? clientId };
        if (jti is not null) claims["jti"] = jti == "new" ? Guid.NewGuid().ToString() : jti;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? clientId,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            Expires = now + (expiresIn ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(key.Key, key.Alg),
        });
    }

    private Task<HttpResponseMessage> ClientCredentialsAsync(string assertion, string? clientId = null, string path = Token, string assertionType = AssertionType)
    {
        var form = new List<(string, string)> { ("grant_type", "client_credentials"), ("client_assertion_type", assertionType), ("client_assertion", assertion) };
        if (clientId is not null) form.Add(("client_id", clientId));
        return server.PostFormAsync(path, form.ToArray());
    }

    private Task<RegisteredClient> RegisterAsync(TestKey key) =>
        server.RegisterClientAsync(["client_credentials"], "private_key_jwt", "service", key.Jwks);

    public static TheoryData<string, string> KeysAndAudiences => new()
    {
        { "RS256", TokenUrl }, { "RS256", Issuer }, { "ES256", TokenUrl }, { "ES256", Issuer },
    };

    [Theory]
    [MemberData(nameof(KeysAndAudiences))]
    public async Task PrivateKeyJwt_ValidAssertion_Authenticated(string alg, string audience)
    {
        var key = alg == "RS256" ? TestKey.Rsa() : TestKey.EcP256();
        var client = await RegisterAsync(key);

        var response = await ClientCredentialsAsync(Assertion(key, client.ClientId, audience), client.ClientId);

        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status == 200, body.ToString());
        Assert.Equal(client.ClientId, new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<string>("cid"));
    }

    [Fact]
    public async Task PrivateKeyJwt_AudienceIsTheIntrospectionEndpoint_AuthenticatedThere()
    {
        var key = TestKey.EcP256();
        var client = await RegisterAsync(key);

        var response = await server.PostFormAsync(Introspect, ("token", "nothing"), ("client_assertion_type", AssertionType),
            ("client_assertion", Assertion(key, client.ClientId, "http://localhost/oauth2/default/v1/introspect")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("active").GetBoolean());
    }

    public static TheoryData<string> BadAssertions => new()
    {
        "wrong audience", "audience of another server", "expired", "lifetime over an hour", "missing jti", "wrong key",
        "issuer is not the client", "subject is another client", "not a JWT", "unsigned",
    };

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task PrivateKeyJwt_BadAssertion_InvalidClient(string defect)
    {
        var key = TestKey.Rsa();
        var client = await RegisterAsync(key);
        var other = await RegisterAsync(TestKey.Rsa());
        var assertion = defect switch
        {
            "wrong audience" => Assertion(key, client.ClientId, "https://elsewhere.example.com/token"),
            "audience of another server" => Assertion(key, client.ClientId, "http://localhost/oauth2/v1/token"),
            "expired" => Assertion(key, client.ClientId, expiresIn: TimeSpan.FromSeconds(-1)),
            "lifetime over an hour" => Assertion(key, client.ClientId, expiresIn: TimeSpan.FromHours(3)),
            "missing jti" => Assertion(key, client.ClientId, jti: null),
            "wrong key" => Assertion(TestKey.Rsa() with { }, client.ClientId),
            "issuer is not the client" => Assertion(key, client.ClientId, issuer: other.ClientId),
            "subject is another client" => Assertion(key, client.ClientId, subject: other.ClientId),
            "not a JWT" => "not-a-jwt",
            "unsigned" => new JsonWebTokenHandler().CreateToken($$"""{"iss":"{{client.ClientId}}","sub":"{{client.ClientId}}","aud":"{{TokenUrl}}","jti":"x","exp":{{server.Clock.GetUtcNow().ToUnixTimeSeconds() + 300}}}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var response = await ClientCredentialsAsync(assertion);

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task PrivateKeyJwt_ReplayedJti_InvalidClient()
    {
        var key = TestKey.Rsa();
        var client = await RegisterAsync(key);
        var assertion = Assertion(key, client.ClientId);

        var first = await ClientCredentialsAsync(assertion);
        var replay = await ClientCredentialsAsync(assertion);
        var sameJtiNewToken = await ClientCredentialsAsync(Assertion(key, client.ClientId, jti: JsonDocument.Parse(
            Base64UrlEncoder.Decode(assertion.Split('.')[1])).RootElement.GetProperty("jti").GetString()));

        Assert.Equal(200, (int)first.StatusCode);
        await AssertOAuthErrorAsync(replay, 401, "invalid_client");
        await AssertOAuthErrorAsync(sameJtiNewToken, 401, "invalid_client");
    }

    [Fact]
    public async Task PrivateKeyJwt_WrongAssertionType_InvalidRequest()
    {
        var key = TestKey.Rsa();
        var client = await RegisterAsync(key);

        var response = await ClientCredentialsAsync(Assertion(key, client.ClientId), assertionType: "urn:example:other");

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientIdInBodyDiffers_InvalidRequest()
    {
        var key = TestKey.Rsa();
        var client = await RegisterAsync(key);
        var other = await RegisterAsync(key);

        var response = await ClientCredentialsAsync(Assertion(key, client.ClientId), other.ClientId);

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task PrivateKeyJwtClient_SendsClientIdOnly_InvalidClient()
    {
        var client = await RegisterAsync(TestKey.Rsa());

        var response = await server.PostFormAsync(Token, ("grant_type", "client_credentials"), ("client_id", client.ClientId));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task SecretClient_SendsAssertion_InvalidClient()
    {
        var key = TestKey.Rsa();
        var client = await server.RegisterClientAsync(["client_credentials"], "client_secret_basic", "service");

        var response = await ClientCredentialsAsync(Assertion(key, client.ClientId));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }
}
