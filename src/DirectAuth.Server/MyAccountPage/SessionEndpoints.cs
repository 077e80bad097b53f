using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// <c>POST /myaccount/session</c>: the page's script hands over the access token it just got from <c>/token</c>
/// (JSON <c>{"access_token": "…"}</c>, same origin only); the server checks it was issued to the page app for a
/// user who is still active, starts a session in an HttpOnly SameSite=Strict cookie and answers the CSRF token.
/// <c>GET /myaccount/session</c> answers the same for a live cookie (401 otherwise); <c>DELETE</c> signs out.
/// Errors are OAuth-shaped (<c>error</c>, <c>error_description</c>).
/// </summary>
public static class SessionEndpoints
{
    private const int MaxBody = 32 * 1024;

    public static void MapPageSession(this IEndpointRouteBuilder app)
    {
        app.MapPost("/myaccount/session", StartAsync);
        app.MapGet("/myaccount/session", ShowAsync);
        app.MapDelete("/myaccount/session", EndAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext http, ServerDirectory directory, AccessTokenValidator validator, PageSessions sessions,
        DirectAuthDb db, AuditLog audit)
    {
        var ct = http.RequestAborted;
        if (!PageTransport.MaySignIn(http))
            return Error(403, "https_required", "The My Account page signs in over https only (plain http from loopback for development).");
        if (!SameOrigin(http, directory))
            return Error(403, "invalid_request", "A session is started from the My Account page itself.");
        if (http.Request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Error(415, "invalid_request", "Send JSON: {\"access_token\": \"…\"}.");
        if (http.Request.ContentLength is > MaxBody) return Error(413, "invalid_request", "The request body is too large.");

        var bytes = await ReadLimitedAsync(http.Request.Body, ct);
        if (bytes is null) return Error(413, "invalid_request", "The request body is too large.");
        string? token;
        try
        {
            using var body = JsonDocument.Parse(bytes);
            token = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("access_token", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return Error(400, "invalid_request", "The body must be JSON: {\"access_token\": \"…\"}.");
        }
        if (string.IsNullOrEmpty(token)) return Error(400, "invalid_request", "The 'access_token' is missing.");

        var server = await directory.FindAsync(PageApp.ServerId, ct);
        if (server is null) return Error(500, "server_error", "The default authorization server is missing.");
        var context = new OAuthContext(server, directory.OriginOf(http.Request), http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        var jwt = await validator.ValidateAsync(context, token, ct);
        var uid = jwt is not null && jwt.TryGetPayloadValue<string>("uid", out var u) ? u : null;
        var user = uid is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == uid, ct);
        if (jwt is null || user is not { Status: UserStatus.Active } || jwt.GetPayloadValue<string>("cid") != PageApp.ClientId)
        {
            var reason = jwt is null ? "INVALID_TOKEN" : user is null ? "NO_USER" : user.Status != UserStatus.Active ? "USER_NOT_ACTIVE" : "OTHER_CLIENT";
            if (user is not null)
                await audit.RecordAsync(new AuditEntry(PageEventTypes.SessionStarted, Outcomes.Failure, "My Account page session refused")
                {
                    Reason = reason, ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = jwt?.GetPayloadValue<string>("cid"),
                }, ct);
            return Error(401, "invalid_token", "The access token is invalid, or was not issued to the My Account page.");
        }

        var (session, handle) = await sessions.StartAsync(jwt, server.Id, PageSessions.HandleOf(http), ct);
        PageSessions.SetCookie(http, handle, session.ExpiresAt);
        await audit.RecordAsync(new AuditEntry(PageEventTypes.SessionStarted, Outcomes.Success, "My Account page session started")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = PageApp.ClientId, TargetId = session.Id, TargetType = "MyAccountSession",
            Details = new Dictionary<string, string> { ["amr"] = session.Amr },
        }, ct);
        return new JsonBodyResult(Describe(session, user, handle));
    }

    private static async Task<IResult> ShowAsync(HttpContext http, PageSessions sessions, DirectAuthDb db)
    {
        var handle = PageSessions.HandleOf(http);
        var session = await sessions.FindAsync(handle, http.RequestAborted);
        var user = session is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == session.UserId, http.RequestAborted);
        if (session is null || user is not { Status: UserStatus.Active })
        {
            // A cookie of a session that is over goes: the next sign-in's POST would otherwise need its CSRF token.
            if (handle is not null) PageSessions.ClearCookie(http);
            return Error(401, "login_required", "Sign in to the My Account page.");
        }
        return new JsonBodyResult(Describe(session, user, handle!));
    }

    private static async Task<IResult> EndAsync(HttpContext http, PageSessions sessions, AuditLog audit)
    {
        // PageGuard has checked the CSRF token of a request carrying the cookie.
        var session = await sessions.FindAsync(PageSessions.HandleOf(http), http.RequestAborted);
        PageSessions.ClearCookie(http);
        if (session is null) return Results.NoContent();
        await sessions.EndAsync(session, http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(PageEventTypes.SessionEnded, Outcomes.Success, "My Account page session ended")
        {
            ActorId = session.UserId, ActorType = "User", ClientId = session.ClientId, TargetId = session.Id, TargetType = "MyAccountSession",
        }, http.RequestAborted);
        return Results.NoContent();
    }

    private static object Describe(PageSession session, User user, string handle) => new
    {
        csrfToken = PageSessions.CsrfTokenFor(handle),
        expiresAt = session.ExpiresAt,
        authTime = session.AuthTime,
        amr = session.AmrList,
        user = new { id = user.Id, login = user.Login, firstName = user.FirstName, lastName = user.LastName },
    };

    /// <summary>A browser says where a request came from (<c>Sec-Fetch-Site</c>, <c>Origin</c>); either, when sent, must be this server.</summary>
    private static bool SameOrigin(HttpContext http, ServerDirectory directory)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin") return false;
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, directory.OriginOf(http.Request), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBody) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static OAuthErrorResult Error(int status, string error, string description) => new(new OAuthError(status, error, description));
}
