using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>Validates tokens with Microsoft.IdentityModel against the server's discovery document and JWKS.</summary>
public static class TokenClaims
{
    public static async Task<JsonWebToken> ValidateAsync(ServerFixture server, string token, string audience, string server_ = "/oauth2/default")
    {
        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            $"http://localhost{server_}/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(server.Http) { RequireHttps = false });
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ConfigurationManager = configuration,
            ValidAudience = audience,
            // The server's clock is the test's clock, which the tests move.
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }
}
