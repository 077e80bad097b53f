using System.Security.Cryptography;
using DirectAuth.Client;
using Microsoft.IdentityModel.Tokens;

namespace ConsoleSignIn;

/// <summary>Creating a client: DirectAuth, Okta, confidential apps, the app's own HttpClient.</summary>
public static class SetupExamples
{
    public static DirectAuthClient ForDirectAuth()
    {
        // <snippet:configure>
        var client = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri("http://127.0.0.1:5080/oauth2/default"),   // or the org server: http://127.0.0.1:5080
            ClientId = "demo-app",
        });
        // </snippet:configure>
        return client;
    }

    public static DirectAuthClient ForOkta()
    {
        // <snippet:okta>
        var client = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri("https://dev-123456.okta.com/oauth2/default"),   // https://{yourOktaDomain}/oauth2/default
            ClientId = "0oa1a2b3c4d5e6f7g8h9",                                 // the app's client id in the Admin Console
            Scope = "openid profile offline_access",
            SecondFactors = [Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice],
        });
        // </snippet:okta>
        return client;
    }

    public static DirectAuthClient Confidential(string clientSecret, RSA privateKey)
    {
        // <snippet:confidential>
        var withSecret = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri("https://auth.example.com/oauth2/default"),
            ClientId = "web-app",
            ClientAuthentication = ClientAuthentication.ClientSecretBasic(clientSecret),   // or ClientSecretPost
        });

        var withKey = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri("https://auth.example.com/oauth2/default"),
            ClientId = "service-app",
            // private_key_jwt: the public half of this key is registered with the app (its JWKS), under kid "key-1".
            ClientAuthentication = ClientAuthentication.PrivateKeyJwt(new RsaSecurityKey(privateKey) { KeyId = "key-1" }),
        });
        // </snippet:confidential>
        withSecret.Dispose();
        return withKey;
    }

    public static DirectAuthClient WithHttpClient(IHttpClientFactoryLike factory)
    {
        // <snippet:httpclient>
        HttpClient http = factory.CreateClient("directauth");   // proxies, timeouts, logging: the app's choice
        var client = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri("https://auth.example.com/oauth2/default"),
            ClientId = "my-app",
        }, http);
        // </snippet:httpclient>
        return client;
    }

    /// <summary>Stands in for IHttpClientFactory, to keep the sample free of extra packages.</summary>
    public interface IHttpClientFactoryLike
    {
        HttpClient CreateClient(string name);
    }
}
