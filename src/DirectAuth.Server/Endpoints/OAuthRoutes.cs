using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// Maps an endpoint under both bases: <c>/oauth2/v1/{name}</c> (org server) and
/// <c>/oauth2/{serverId}/v1/{name}</c> (custom servers), and resolves which server a request is for.
/// </summary>
public static class OAuthRoutes
{
    public static void MapOAuth(this IEndpointRouteBuilder app, string name, string[] methods, Delegate handler)
    {
        app.MapMethods($"/oauth2/v1/{name}", methods, handler);
        app.MapMethods($"/oauth2/{{serverId}}/v1/{name}", methods, handler);
    }

    /// <summary>The request's server and origin, or a 404 result when the server does not exist.</summary>
    public static async Task<(OAuthContext? Context, IResult? NotFound)> ResolveAsync(HttpContext http, ServerDirectory directory)
    {
        var id = http.Request.RouteValues["serverId"] as string ?? AuthorizationServer.OrgId;
        var server = id.Length <= 64 ? await directory.FindAsync(id, http.RequestAborted) : null;
        if (server is null || (id == AuthorizationServer.OrgId && http.Request.RouteValues.ContainsKey("serverId")))
            return (null, new OktaErrorResult(404, OktaErrors.Create("E0000007", $"Not found: Resource not found: {id} (AuthorizationServer)")));
        var context = new OAuthContext(server, directory.OriginOf(http.Request),
            http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        return (context, null);
    }
}
