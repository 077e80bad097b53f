using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// In front of the page and of the MyAccount API: every page response gets the security headers (a strict CSP
/// without inline script or style, no framing, no referrer, no caching), and a change (any method but GET/HEAD)
/// that carries the page's session cookie and no <c>Authorization</c> header must carry the session's
/// <c>X-CSRF-Token</c>, or it is refused 403 before it reaches an endpoint.
/// </summary>
public sealed class PageGuard(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static readonly PathString PagePath = "/myaccount";
    public static readonly PathString ApiPath = "/idp/myaccount";

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments(PagePath))
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = "no-store";
        }
        if ((path.StartsWithSegments(PagePath) || path.StartsWithSegments(ApiPath)) && !IsSafe(http.Request.Method)
            && http.Request.Headers.Authorization.Count == 0 && PageSessions.HandleOf(http) is { } handle
            && !PageSessions.CsrfMatches(handle, http.Request.Headers[PageSessions.CsrfHeader]))
        {
            // Summarised per source and reason: a page script gone wrong (or a forged form) cannot flood the system log.
            var reason = http.Request.Headers.ContainsKey(PageSessions.CsrfHeader) ? "CSRF_TOKEN_MISMATCH" : "CSRF_TOKEN_MISSING";
            await http.RequestServices.GetRequiredService<RefusalSummaries>().RecordAsync(new Refusal(PageEventTypes.CsrfRefused, reason,
                "A change with the My Account session cookie but without its CSRF token refused", TimeSpan.FromMinutes(1))
            {
                Details = new Dictionary<string, string> { ["path"] = path.Value ?? "", ["method"] = http.Request.Method },
            });
            await new OktaErrorResult(403, OktaErrors.Create("E0000006", "You do not have permission to perform the requested action",
                $"The request must carry the session's {PageSessions.CsrfHeader} header.")).ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
