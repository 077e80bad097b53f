using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// The native app association files a platform fetches before it lets an app use passkeys of the RP id:
/// <c>/.well-known/apple-app-site-association</c> (iOS associated domains, <c>webcredentials</c>) and
/// <c>/.well-known/assetlinks.json</c> (Android Digital Asset Links, <c>get_login_creds</c>). Each is served when
/// configured (<c>Passkeys:AppleAppSiteAssociation</c>, <c>Passkeys:AssetLinks</c>): a value starting with
/// <c>{</c> or <c>[</c> is the JSON itself, anything else a path to a JSON file, read once at start.
/// </summary>
public sealed class AppAssociationFiles(IOptions<PasskeyOptions> options)
{
    public byte[]? Apple { get; } = Load(options.Value.AppleAppSiteAssociation);
    public byte[]? Android { get; } = Load(options.Value.AssetLinks);

    private static byte[]? Load(string? value) => string.IsNullOrWhiteSpace(value) ? null
        : IsInline(value) ? Encoding.UTF8.GetBytes(value) : File.ReadAllBytes(value);

    private static bool IsInline(string value) => value.TrimStart() is { Length: > 0 } v && v[0] is '{' or '[';

    public static IEnumerable<string> Problems(PasskeyOptions options)
    {
        foreach (var (name, value) in new[] { ("AppleAppSiteAssociation", options.AppleAppSiteAssociation), ("AssetLinks", options.AssetLinks) })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            string? problem = null;
            try
            {
                using var _ = JsonDocument.Parse(IsInline(value) ? value : File.ReadAllText(value));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                problem = $"Passkeys:{name} must be JSON or the path of a readable JSON file: {e.Message}";
            }
            if (problem is not null) yield return problem;
        }
    }
}

public static class AppAssociationEndpoints
{
    public static void MapAppAssociationFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/apple-app-site-association", (AppAssociationFiles files) => Serve(files.Apple));
        app.MapGet("/.well-known/assetlinks.json", (AppAssociationFiles files) => Serve(files.Android));
    }

    private static IResult Serve(byte[]? document) => document is null
        ? Results.NotFound()
        : new AssociationResult(document);

    /// <summary>JSON, cacheable for an hour (platforms fetch these through their own CDNs).</summary>
    private sealed class AssociationResult(byte[] document) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.Headers.CacheControl = "public, max-age=3600";
            await http.Response.Body.WriteAsync(document);
        }
    }
}
