using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using DirectAuth.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client;

/// <summary>
/// How the app authenticates itself to the authorization server: not at all (a public app, the usual case for
/// native apps), with a client secret (in the Authorization header or the form), or with a JWT signed by its own
/// private key (<c>private_key_jwt</c>, RFC 7523).
/// </summary>
public abstract class ClientAuthentication
{
    private protected ClientAuthentication() { }

    /// <summary>A public client: only <c>client_id</c> is sent.</summary>
    public static ClientAuthentication None { get; } = new NoAuthentication();

    /// <summary><c>client_secret_basic</c>: the id and secret in an HTTP Basic Authorization header.</summary>
    public static ClientAuthentication ClientSecretBasic(string clientSecret) => new SecretBasic(RequireSecret(clientSecret));

    /// <summary><c>client_secret_post</c>: the secret as <c>client_secret</c> in the form.</summary>
    public static ClientAuthentication ClientSecretPost(string clientSecret) => new SecretPost(RequireSecret(clientSecret));

    /// <summary>
    /// <c>private_key_jwt</c>: every request carries a fresh assertion signed with <paramref name="signingKey"/>
    /// (whose public half is registered with the app), with <c>aud</c> the endpoint called and a new <c>jti</c>.
    /// Set <see cref="SecurityKey.KeyId"/> so the server finds the key by <c>kid</c>.
    /// </summary>
    /// <param name="signingKey">An RSA or EC private key.</param>
    /// <param name="algorithm">The JWS algorithm, <c>RS256</c> by default (use <c>ES256</c> for a P-256 key).</param>
    public static ClientAuthentication PrivateKeyJwt(SecurityKey signingKey, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentException.ThrowIfNullOrEmpty(algorithm);
        return new KeyJwt(new SigningCredentials(signingKey, algorithm));
    }

    internal abstract void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string clientId, TimeProvider clock);

    private static string RequireSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return secret;
    }

    private static void AddClientId(List<KeyValuePair<string, string>> form, string clientId) =>
        form.Add(new(Parameters.ClientId, clientId));

    private sealed class NoAuthentication : ClientAuthentication
    {
        internal override void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string clientId, TimeProvider clock) =>
            AddClientId(form, clientId);
    }

    private sealed class SecretBasic(string secret) : ClientAuthentication
    {
        internal override void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string clientId, TimeProvider clock)
        {
            // RFC 6749 2.3.1: both halves are form-encoded before Base64.
            var pair = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
    }

    private sealed class SecretPost(string secret) : ClientAuthentication
    {
        internal override void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string clientId, TimeProvider clock)
        {
            AddClientId(form, clientId);
            form.Add(new(Parameters.ClientSecret, secret));
        }
    }

    private sealed class KeyJwt(SigningCredentials credentials) : ClientAuthentication
    {
        private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

        internal override void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string clientId, TimeProvider clock)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var assertion = Handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = clientId,
                Audience = request.RequestUri!.GetLeftPart(UriPartial.Path),
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(5),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = clientId,
                    ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
                },
                SigningCredentials = credentials,
            });
            AddClientId(form, clientId);
            form.Add(new(Parameters.ClientAssertionType, Parameters.JwtBearerAssertionType));
            form.Add(new(Parameters.ClientAssertion, assertion));
        }
    }
}
