using System.Net;
using System.Reflection;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// <c>GET /myaccount</c>: the page (server-rendered HTML, its settings in <c>data-</c> attributes, no inline
/// script or style), and <c>GET /myaccount/assets/{file}</c>: its script and style sheet, kept in the repository
/// as embedded resources (no build step, no CDN).
/// </summary>
public static class PageEndpoints
{
    private static readonly Dictionary<string, (string Type, Lazy<byte[]> Body)> Assets = new(StringComparer.Ordinal)
    {
        ["myaccount.js"] = ("text/javascript; charset=utf-8", new(() => Read("myaccount.js"))),
        ["myaccount-factors.js"] = ("text/javascript; charset=utf-8", new(() => Read("myaccount-factors.js"))),
        ["myaccount.css"] = ("text/css; charset=utf-8", new(() => Read("myaccount.css"))),
    };

    private static readonly Lazy<string> Template = new(() => System.Text.Encoding.UTF8.GetString(Read("myaccount.html")));

    public static void MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/myaccount", Page);
        app.MapGet("/myaccount/assets/{file}", (string file) =>
            Assets.TryGetValue(file, out var asset) ? Results.Bytes(asset.Body.Value, asset.Type) : Results.NotFound());
    }

    private static IResult Page()
    {
        var html = Template.Value
            .Replace("{{clientId}}", WebUtility.HtmlEncode(PageApp.ClientId), StringComparison.Ordinal)
            .Replace("{{oauthBase}}", WebUtility.HtmlEncode(PageApp.ServerId == AuthorizationServers.AuthorizationServer.OrgId ? "/oauth2/v1" : $"/oauth2/{PageApp.ServerId}/v1"), StringComparison.Ordinal)
            .Replace("{{scopes}}", WebUtility.HtmlEncode(string.Join(' ', PageApp.Scopes)), StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("myaccount/" + name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
