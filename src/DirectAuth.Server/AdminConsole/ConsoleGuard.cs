using DirectAuth.Server.Http;
using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Observability;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// In front of the console and of the management API: console responses get the security headers (the strict
/// CSP of the My Account page: no inline script or style, no framing), and a change that carries the console's
/// cookie and no <c>Authorization</c> header must carry the session's <c>X-CSRF-Token</c>, or it is refused 403
/// before it reaches an endpoint (the management API's authentication checks it again).
/// </summary>
public sealed class ConsoleGuard(RequestDelegate next)
{
    public static readonly PathString PagePath = "/console";
    private static readonly PathString[] Guarded = [PagePath, "/api/v1", "/oauth2/v1/clients"];

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments(PagePath))
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = PageGuard.ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = "no-store";
        }
        if (!PageGuard.IsSafe(http.Request.Method) && http.Request.Headers.Authorization.Count == 0
            && Guarded.Any(p => path.StartsWithSegments(p)) && ConsoleSessions.HandleOf(http) is { } handle
            && !ConsoleSessions.CsrfMatches(handle, http.Request.Headers[ConsoleSessions.CsrfHeader]))
        {
            // Summarised per source and reason: a script gone wrong (or a forged form) cannot flood the system log.
            var reason = http.Request.Headers.ContainsKey(ConsoleSessions.CsrfHeader) ? "CSRF_TOKEN_MISMATCH" : "CSRF_TOKEN_MISSING";
            await http.RequestServices.GetRequiredService<RefusalSummaries>().RecordAsync(new Refusal(ConsoleEventTypes.CsrfRefused, reason,
                "A change with the admin console's session cookie but without its CSRF token refused", TimeSpan.FromMinutes(1))
            {
                Details = new Dictionary<string, string> { ["path"] = path.Value ?? "", ["method"] = http.Request.Method },
            });
            await new OktaErrorResult(403, OktaErrors.Create("E0000006", "You do not have permission to perform the requested action",
                $"The request must carry the console session's {ConsoleSessions.CsrfHeader} header.")).ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}
