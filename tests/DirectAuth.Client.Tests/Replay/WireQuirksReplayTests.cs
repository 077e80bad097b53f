using System.Text;
using DirectAuth.Client.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>What goes on the wire and how odd answers are read: Okta-shaped 5xx, rate limits, non-JSON bodies, client authentication.</summary>
public sealed class WireQuirksReplayTests : ReplayTest
{
    [Fact]
    public async Task PasswordSignIn_Request_IsFormEncodedWithGrantTypesSupportedFilteredByDiscovery()
    {
        Server.Reply("token", 200, Server.TokenResponse());

        await NewClient().SignInWithPasswordAsync("ada@example.com", "p@ss word&=");

        var request = Assert.Single(Server.RequestsTo("token"));
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("password", request["grant_type"]);
        Assert.Equal("ada@example.com", request["username"]);
        Assert.Equal("p@ss word&=", request["password"]);
        Assert.Equal(ReplayServer.ClientId, request["client_id"]);
        Assert.Equal("password http://auth0.com/oauth/grant-type/mfa-otp http://auth0.com/oauth/grant-type/mfa-oob", request["grant_types_supported"]);
        Assert.Equal("", request.Authorization);
        Assert.Empty(request.DuplicatedParameters);
    }

    [Fact]
    public async Task PasswordSignIn_WrongPassword_InvalidCredentials()
    {
        Server.Reply("token", 400, OktaAnswers.InvalidCredentials);

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "wrong"));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
        Assert.Equal("invalid_grant", failed.Error.Code);
        Assert.Equal("The credentials provided were invalid.", failed.Error.Description);
    }

    [Fact]
    public async Task PasswordSignIn_OktaShaped500_ServerErrorWithErrorId()
    {
        Server.Reply("token", 500, OktaAnswers.Okta500);

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.ServerError, failed.Kind);
        Assert.Equal("E0000009", failed.Error.Code);
        Assert.Equal("Internal Server Error", failed.Error.Description);
        Assert.Equal("oae3sGX6ZcgTvWnlQ5Y9Dplaw", failed.Error.ErrorId);
        Assert.Equal(500, failed.Error.StatusCode);
    }

    [Fact]
    public async Task PasswordSignIn_ProxyHtml502_ServerErrorNotACrash()
    {
        Server.Reply("token", 502, "<html><body>Bad Gateway</body></html>");

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.ServerError, failed.Kind);
        Assert.Equal(502, failed.Error.StatusCode);
        Assert.Null(failed.Error.Code);
    }

    [Fact]
    public async Task PasswordSignIn_RateLimited_RetryAfterFromResetHeader()
    {
        Server.Reply("token", 429, OktaAnswers.RateLimited, headers: new Dictionary<string, string>
        {
            ["X-Rate-Limit-Limit"] = "600", ["X-Rate-Limit-Remaining"] = "0", ["X-Rate-Limit-Reset"] = "1900000000",
        });

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.RateLimited, failed.Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1900000000), failed.Error.RetryAfter);
        Assert.Equal("API call exceeded rate limit due to too many requests.", failed.Error.Description);
    }

    [Fact]
    public async Task PasswordSignIn_GrantNotEnabled_ClientRejected()
    {
        Server.Reply("token", 400, OktaAnswers.UnauthorizedClient);

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
        Assert.Equal("unauthorized_client", failed.Error.Code);
    }

    [Fact]
    public async Task PasswordSignIn_MfaRequiredWithoutMfaToken_InvalidResponse()
    {
        Server.Reply("token", 403, """{"error":"mfa_required","error_description":"Verify with an additional authenticator."}""");

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.InvalidResponse, failed.Kind);
    }

    [Fact]
    public async Task PasswordSignIn_SuccessWithoutAccessToken_InvalidResponse()
    {
        Server.Reply("token", 200, """{"token_type":"Bearer","expires_in":3600}""");

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.InvalidResponse, failed.Kind);
    }

    [Fact]
    public async Task PasswordSignIn_SuccessWithoutOptionalFields_TokensWithoutIdToken()
    {
        Server.Reply("token", 200, """{"access_token":"at-only"}""");

        var success = Assert.IsType<SignInSuccess>(await NewClient().SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal("at-only", success.Tokens.AccessToken);
        Assert.Equal("Bearer", success.Tokens.TokenType);
        Assert.Null(success.Tokens.ExpiresAt);
        Assert.Null(success.Tokens.IdToken);
        Assert.Null(success.Tokens.User);
        Assert.Null(success.Tokens.RefreshToken);
    }

    [Fact]
    public async Task ServerUnreachable_NetworkFailure()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new DirectAuthClient(new DirectAuthClientOptions { Issuer = new Uri($"http://127.0.0.1:{port}/oauth2/default"), ClientId = "x" });

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync("ada@example.com", "pw"));

        Assert.Equal(DirectAuthErrorKind.Network, failed.Kind);
    }

    [Fact]
    public async Task ClientSecretBasic_SendsFormEncodedCredentialsInHeaderOnly()
    {
        Server.Reply("token", 200, Server.TokenResponse());

        await NewClient(authentication: ClientAuthentication.ClientSecretBasic("s3cr:et+/")).SignInWithPasswordAsync("ada@example.com", "pw");

        var request = Assert.Single(Server.RequestsTo("token"));
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization["Basic ".Length..]));
        Assert.Equal(ReplayServer.ClientId + ":s3cr%3Aet%2B%2F", decoded);
        Assert.Null(request["client_id"]);
        Assert.Null(request["client_secret"]);
    }

    [Fact]
    public async Task ClientSecretPost_SendsSecretInForm()
    {
        Server.Reply("token", 200, Server.TokenResponse());

        await NewClient(authentication: ClientAuthentication.ClientSecretPost("s3cret")).SignInWithPasswordAsync("ada@example.com", "pw");

        var request = Assert.Single(Server.RequestsTo("token"));
        Assert.Equal(ReplayServer.ClientId, request["client_id"]);
        Assert.Equal("s3cret", request["client_secret"]);
        Assert.Equal("", request.Authorization);
    }

    [Fact]
    public async Task PrivateKeyJwt_AssertionSignedForTheEndpointCalledWithFreshJti()
    {
        var key = ReplayServer.NewRsaKey("client-key-1");
        var client = NewClient(authentication: ClientAuthentication.PrivateKeyJwt(key));
        Server.Reply("token", 403, OktaAnswers.MfaRequired);
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);

        var mfa = Assert.IsType<MfaRequired>(await client.SignInWithPasswordAsync("ada@example.com", "pw"));
        await mfa.ChooseAsync(Factor.Push);

        var assertions = new List<JsonWebToken>();
        foreach (var (endpoint, request) in new[] { ("token", Server.RequestsTo("token")[0]), ("challenge", Server.RequestsTo("challenge")[0]) })
        {
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", request["client_assertion_type"]);
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(request["client_assertion"], new TokenValidationParameters
            {
                ValidIssuer = ReplayServer.ClientId,
                ValidAudience = $"{Server.Issuer}/v1/{endpoint}",
                IssuerSigningKey = new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = "client-key-1" },
                LifetimeValidator = (nbf, exp, _, _) => exp is { } e && e > Clock.GetUtcNow().UtcDateTime && e <= Clock.GetUtcNow().UtcDateTime.AddMinutes(5),
            });
            Assert.True(result.IsValid, result.Exception?.ToString());
            var jwt = (JsonWebToken)result.SecurityToken;
            Assert.Equal(ReplayServer.ClientId, jwt.Subject);
            Assert.Equal("client-key-1", jwt.Kid);
            assertions.Add(jwt);
        }
        Assert.NotEqual(assertions[0].Id, assertions[1].Id);
    }
}
