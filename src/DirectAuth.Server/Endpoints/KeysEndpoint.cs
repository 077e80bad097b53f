using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Tokens;

namespace DirectAuth.Server.Endpoints;

/// <summary>GET {base}/v1/keys: the JWKS (active, next and recently retired keys). Any query string is ignored.</summary>
public static class KeysEndpoint
{
    public static void MapKeysEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("keys", ["GET"], HandleAsync);

    private static async Task HandleAsync(HttpContext http, ServerDirectory directory, SigningKeyService keys)
    {
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) { await notFound!.ExecuteAsync(http); return; }
        var published = await keys.GetAsync(context.Server.Id, http.RequestAborted);

        http.Response.StatusCode = 200;
        http.Response.ContentType = WireJson.ContentType;
        http.Response.Headers.CacheControl = "max-age=300, must-revalidate";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("keys");
        foreach (var key in published.Published) writer.WriteRawValue(key.PublicJwk);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
