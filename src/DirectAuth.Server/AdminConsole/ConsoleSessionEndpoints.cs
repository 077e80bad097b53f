using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// <c>POST /console/session</c>: the console's script hands over the access token it just got from <c>/token</c>
/// (JSON <c>{"access_token": "…"}</c>, same origin only). The server checks it was issued to the console app, for
/// an active user in the administrators' group, after two factors (<c>amr</c> has <c>mfa</c>); then it starts a
/// session in an HttpOnly SameSite=Strict cookie and answers the CSRF token. <c>GET</c> answers the same for a live
/// cookie (401 otherwise), <c>DELETE</c> signs out. Errors are OAuth-shaped (<c>error</c>, <c>error_description</c>).
/// </summary>
public static class ConsoleSessionEndpoints
{
    private const int MaxBody = 32 * 1024;

    public static void MapConsoleSession(this IEndpointRouteBuilder app)
    {
        app.MapPost("/console/session", StartAsync);
        app.MapGet("/console/session", ShowAsync);
        app.MapDelete("/console/session", EndAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext http, ServerDirectory directory, AccessTokenValidator validator, ConsoleSessions sessions,
        ConsoleAdmins admins, DirectAuthDb db, AuditLog audit)
    {
        var ct = http.RequestAborted;
        if (!PageTransport.MaySignIn(http))
            return Error(403, "https_required", "The admin console signs in over https only (plain http from loopback for development).");
        if (!SameOrigin(http, directory))
            return Error(403, "invalid_request", "A console session is started from the console itself.");
        if (http.Request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Error(415, "invalid_request", "Send JSON: {\"access_token\": \"…\"}.");
        var token = await ReadTokenAsync(http.Request, ct);
        if (token.Error is not null) return token.Error;

        var server = await directory.FindAsync(ConsoleApp.ServerId, ct);
        if (server is null) return Error(500, "server_error", "The org authorization server is missing.");
        var context = new OAuthContext(server, directory.OriginOf(http.Request), http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        var jwt = await validator.ValidateAsync(context, token.Value!, ct);
        var uid = jwt is not null && jwt.TryGetPayloadValue<string>("uid", out var u) ? u : null;
        var user = uid is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == uid, ct);
        if (jwt is null || user is not { Status: UserStatus.Active } || jwt.GetPayloadValue<string>("cid") != ConsoleApp.ClientId)
        {
            if (user is not null) await RefusedAsync(audit, user, user.Status != UserStatus.Active ? "USER_NOT_ACTIVE" : "OTHER_CLIENT", ct);
            return Error(401, "invalid_token", "The access token is invalid, or was not issued to the admin console.");
        }
        if (await admins.FindAdminAsync(user.Id, ct) is null)
        {
            await RefusedAsync(audit, user, "NOT_AN_ADMIN", ct);
            return Error(403, "access_denied", "This account is not an administrator: the console is for members of the administrators' group.");
        }
        var amr = jwt.TryGetPayloadValue<string[]>("amr", out var a) ? a : [];
        if (!amr.Contains(Policies.Amr.Mfa))
        {
            await RefusedAsync(audit, user, "SECOND_FACTOR_REQUIRED", ct);
            return Error(403, "second_factor_required",
                "The admin console needs a second factor (an authenticator app code, a push or a passkey). Add one on your My Account page (/myaccount), then sign in again.");
        }

        var (session, handle) = await sessions.StartAsync(jwt, user.Id, ct);
        ConsoleSessions.SetCookie(http, handle);
        await audit.RecordAsync(new AuditEntry(ConsoleEventTypes.SessionStarted, Outcomes.Success, "Admin console session started")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = ConsoleApp.ClientId, TargetId = session.Id, TargetType = "ConsoleSession",
            Details = new Dictionary<string, string> { ["amr"] = session.Amr },
        }, ct);
        return new JsonBodyResult(Describe(session, user, handle));
    }

    private static async Task<IResult> ShowAsync(HttpContext http, ConsoleSessions sessions, ConsoleAdmins admins)
    {
        var handle = ConsoleSessions.HandleOf(http);
        var session = await sessions.FindAsync(handle, http.RequestAborted);
        var user = session is null ? null : await admins.FindAdminAsync(session.UserId, http.RequestAborted);
        if (session is null || user is null)
        {
            // A cookie of a session that is over goes: the next sign-in's POST would otherwise need its CSRF token.
            if (handle is not null) ConsoleSessions.ClearCookie(http);
            return Error(401, "login_required", "Sign in to the admin console.");
        }
        return new JsonBodyResult(Describe(session, user, handle!));
    }

    private static async Task<IResult> EndAsync(HttpContext http, ConsoleSessions sessions, AuditLog audit)
    {
        // ConsoleGuard has checked the CSRF token of a request carrying the cookie.
        var session = await sessions.FindAsync(ConsoleSessions.HandleOf(http), http.RequestAborted);
        ConsoleSessions.ClearCookie(http);
        if (session is null) return Results.NoContent();
        await sessions.EndAsync(session, http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(ConsoleEventTypes.SessionEnded, Outcomes.Success, "Admin console session ended")
        {
            ActorId = session.UserId, ActorType = "User", ClientId = session.ClientId, TargetId = session.Id, TargetType = "ConsoleSession",
        }, http.RequestAborted);
        return Results.NoContent();
    }

    private static Task RefusedAsync(AuditLog audit, User user, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(ConsoleEventTypes.SessionStarted, Outcomes.Failure, "Admin console session refused")
        {
            Reason = reason, Severity = "WARN", ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = ConsoleApp.ClientId,
        }, ct);

    private static object Describe(PageSession session, User user, string handle) => new
    {
        csrfToken = ConsoleSessions.CsrfTokenFor(handle),
        expiresAt = session.ExpiresAt,
        authTime = session.AuthTime,
        amr = session.AmrList,
        user = new { id = user.Id, login = user.Login, firstName = user.FirstName, lastName = user.LastName },
    };

    private static async Task<(string? Value, IResult? Error)> ReadTokenAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is > MaxBody) return (null, Error(413, "invalid_request", "The request body is too large."));
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBody) return (null, Error(413, "invalid_request", "The request body is too large."));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            using var body = JsonDocument.Parse(buffer.ToArray());
            var token = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("access_token", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return string.IsNullOrEmpty(token) ? (null, Error(400, "invalid_request", "The 'access_token' is missing.")) : (token, null);
        }
        catch (JsonException)
        {
            return (null, Error(400, "invalid_request", "The body must be JSON: {\"access_token\": \"…\"}."));
        }
    }

    /// <summary>A browser says where a request came from (<c>Sec-Fetch-Site</c>, <c>Origin</c>); either, when sent, must be this server.</summary>
    private static bool SameOrigin(HttpContext http, ServerDirectory directory)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin") return false;
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, directory.OriginOf(http.Request), StringComparison.OrdinalIgnoreCase);
    }

    private static OAuthErrorResult Error(int status, string error, string description) => new(new OAuthError(status, error, description));
}
