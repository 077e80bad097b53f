using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Http;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Management;

/// <summary>
/// The rules a client's metadata must keep, at registration (RFC 7591) and at update (RFC 7592): a
/// name, a known application type, an authentication method the type can keep secret, supported grant
/// types only, client_credentials only for service apps, and public keys for private_key_jwt.
/// </summary>
public static class ClientMetadataRules
{
    public static readonly string[] ApplicationTypes = ["native", "web", "service", "browser"];

    /// <summary>Metadata that passed the rules; <see cref="Jwks"/> is set only for private_key_jwt.</summary>
    public sealed record Metadata(string Name, string ApplicationType, string AuthMethod, IReadOnlyList<string> GrantTypes, string? Jwks)
    {
        public bool UsesSecret => AuthMethod is AuthMethods.ClientSecretBasic or AuthMethods.ClientSecretPost;
    }

    /// <param name="jwks">The jwks of the request, or the stored one when the request has none.</param>
    public static (Metadata? Metadata, OAuthError? Error) Check(
        string? clientName, string? applicationType, string? authMethod, IReadOnlyList<string>? grantTypes, string? jwks, ISet<string> supportedGrants)
    {
        var name = clientName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Invalid("client_name is required (at most 100 characters).");
        var type = applicationType ?? "native";
        if (!ApplicationTypes.Contains(type)) return Invalid($"application_type must be one of: {string.Join(", ", ApplicationTypes)}.");
        var method = authMethod ?? (type is "native" or "browser" ? AuthMethods.None : AuthMethods.ClientSecretBasic);
        if (!AuthMethods.All.Contains(method)) return Invalid($"token_endpoint_auth_method must be one of: {string.Join(", ", AuthMethods.All)}.");
        if (type is "native" or "browser" && method != AuthMethods.None && method != AuthMethods.PrivateKeyJwt)
            return Invalid($"A {type} app cannot keep a client secret; use token_endpoint_auth_method 'none' or 'private_key_jwt'.");

        var grants = (grantTypes is { Count: > 0 } g ? g : [GrantTypes.Password]).Distinct(StringComparer.Ordinal).ToList();
        if (grants.FirstOrDefault(x => !supportedGrants.Contains(x)) is { } unknown)
            return Invalid($"The grant type '{AuthorizationServersApi.Shorten(unknown)}' is not supported. Supported: {string.Join(", ", supportedGrants)}.");
        if (grants.Contains(GrantTypes.ClientCredentials) && (method == AuthMethods.None || type != "service"))
            return Invalid("The client_credentials grant is for service apps with client authentication.");

        if (method != AuthMethods.PrivateKeyJwt) return (new Metadata(name, type, method, grants, null), null);
        if (jwks is null) return Invalid("private_key_jwt needs 'jwks' with the client's public keys.");
        if (JwksProblem(jwks) is { } problem) return Invalid(problem);
        return (new Metadata(name, type, method, grants, jwks), null);
    }

    /// <summary>The raw JSON of a <c>jwks</c> member, or an error when it is present but not an object.</summary>
    public static (string? Jwks, OAuthError? Error) ReadJwks(JsonElement? element) => element switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => (null, null),
        { ValueKind: JsonValueKind.Object } e => (e.GetRawText(), null),
        _ => (null, new OAuthError(400, "invalid_client_metadata", "jwks must be a JSON Web Key Set object.")),
    };

    private static string? JwksProblem(string jwks)
    {
        try
        {
            var set = new JsonWebKeySet(jwks);
            if (set.Keys.Count == 0) return "jwks has no keys.";
            if (set.Keys.Any(k => k.HasPrivateKey || !string.IsNullOrEmpty(k.D))) return "jwks must hold public keys only.";
            if (set.Keys.Any(k => k.Kty is not ("RSA" or "EC"))) return "jwks keys must be RSA or EC.";
            if (set.Keys.Any(k => k.Kty == "RSA" ? string.IsNullOrEmpty(k.N) || string.IsNullOrEmpty(k.E)
                    : k.Crv is not ("P-256" or "P-384" or "P-521") || string.IsNullOrEmpty(k.X) || string.IsNullOrEmpty(k.Y)))
                return "jwks keys must be complete: RSA keys need 'n' and 'e', EC keys 'crv' (P-256, P-384, P-521), 'x' and 'y'.";
            return null;
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return "jwks is not a valid JSON Web Key Set.";
        }
    }

    private static (Metadata?, OAuthError?) Invalid(string description) => (null, new OAuthError(400, "invalid_client_metadata", description));
}
