using System.Net;
using DirectAuth.Server.Settings;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// Whether the page is served over https (the request, or a configured https <c>PublicUrl</c> behind a TLS proxy),
/// and whether a plain-http request may still sign in: only from loopback, for development.
/// </summary>
public static class PageTransport
{
    public static bool IsSecure(HttpContext http) =>
        http.Request.IsHttps
        || http.RequestServices.GetRequiredService<IOptions<DirectAuthOptions>>().Value.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>https, or http between loopback addresses (a developer's machine).</summary>
    public static bool MaySignIn(HttpContext http) =>
        IsSecure(http) || http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
}
