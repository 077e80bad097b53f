using System.Net;
using System.Reflection;
using DirectAuth.Server.Grants;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// <c>GET /console</c>: the console (one HTML page, its settings in <c>data-</c> attributes, no inline script or
/// style), and <c>GET /console/assets/{file}</c>: its scripts and style sheet, embedded resources from the repository
/// (no build step, no CDN). The pages' scripts call the management API (<c>/api/v1</c>, <c>/oauth2/v1/clients</c>)
/// with the session cookie and CSRF token: the console has no endpoints of its own for changes.
/// </summary>
public static class ConsolePageEndpoints
{
    private static readonly string[] Files =
        ["console.css", "console.js", "console-apps.js", "console-users.js", "console-policies.js", "console-groups.js", "console-logs.js", "console-servers.js", "console-outbox.js"];

    private static readonly Dictionary<string, (string Type, Lazy<byte[]> Body)> Assets = Files.ToDictionary(f => f,
        f => (f.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", new Lazy<byte[]>(() => Read(f))),
        StringComparer.Ordinal);

    private static readonly Lazy<string> Template = new(() => System.Text.Encoding.UTF8.GetString(Read("console.html")));

    public static void MapConsolePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console", Page);
        app.MapGet("/console/assets/{file}", (string file) =>
            Assets.TryGetValue(file, out var asset) ? Results.Bytes(asset.Body.Value, asset.Type) : Results.NotFound());
    }

    private static IResult Page(IEnumerable<ITokenGrant> grants)
    {
        // The grant types this server supports, for the "Set up your app" checkboxes.
        var supported = grants.Select(g => g.GrantType).Distinct().Order(StringComparer.Ordinal);
        var html = Template.Value
            .Replace("{{clientId}}", WebUtility.HtmlEncode(ConsoleApp.ClientId), StringComparison.Ordinal)
            .Replace("{{oauthBase}}", WebUtility.HtmlEncode(ConsoleApp.OAuthBase), StringComparison.Ordinal)
            .Replace("{{scopes}}", WebUtility.HtmlEncode(string.Join(' ', ConsoleApp.Scopes)), StringComparison.Ordinal)
            .Replace("{{grants}}", WebUtility.HtmlEncode(string.Join(' ', supported)), StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
