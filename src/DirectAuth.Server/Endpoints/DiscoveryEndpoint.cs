using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// The discovery documents (OpenID Connect Discovery and RFC 8414). For the org server, whose issuer is
/// the origin, they are at the root (and under <c>/oauth2</c>); for a custom server under <c>/oauth2/{id}</c>.
/// </summary>
public static class DiscoveryEndpoint
{
    private static readonly string[] Documents = ["openid-configuration", "oauth-authorization-server"];

    public static void MapDiscoveryEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var document in Documents)
        {
            app.MapGet($"/.well-known/{document}", HandleAsync);
            app.MapGet($"/oauth2/.well-known/{document}", HandleAsync);
            app.MapGet($"/oauth2/{{serverId}}/.well-known/{document}", HandleAsync);
        }
    }

    private static async Task HandleAsync(HttpContext http, ServerDirectory directory, DiscoveryDocuments documents)
    {
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null)
        {
            await notFound!.ExecuteAsync(http);
            return;
        }
        var body = documents.For(context);
        http.Response.Headers.CacheControl = "max-age=300, must-revalidate";
        http.Response.ContentType = WireJson.ContentType;
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    public static Dictionary<string, object> Build(OAuthContext context, IReadOnlyList<string> grantTypes)
    {
        string Url(string name) => context.EndpointUrl(name);
        var alg = context.Server.SigningAlg;
        var document = new Dictionary<string, object>
        {
            ["issuer"] = context.Issuer,
            ["authorization_endpoint"] = Url("authorize"),
            ["token_endpoint"] = Url("token"),
            ["userinfo_endpoint"] = Url("userinfo"),
            ["jwks_uri"] = Url("keys"),
            ["introspection_endpoint"] = Url("introspect"),
            ["revocation_endpoint"] = Url("revoke"),
            ["response_types_supported"] = new[] { "none" },
            ["response_modes_supported"] = Array.Empty<string>(),
            ["grant_types_supported"] = grantTypes,
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { alg },
            ["scopes_supported"] = ScopeRules.Supported(context.Server).ToArray(),
            ["token_endpoint_auth_methods_supported"] = AuthMethods.All,
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
            ["introspection_endpoint_auth_methods_supported"] = AuthMethods.All,
            ["revocation_endpoint_auth_methods_supported"] = AuthMethods.All,
            ["claims_supported"] = new[]
            {
                "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "acr", "at_hash",
                "name", "given_name", "family_name", "preferred_username", "email", "email_verified", "phone_number", "updated_at",
            },
            ["request_parameter_supported"] = false,
            ["claims_parameter_supported"] = false,
        };
        if (context.Server.IsOrg) document["registration_endpoint"] = Url("clients");
        return document;
    }
}
