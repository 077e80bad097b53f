using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// The console's server-side sessions, stored as <see cref="PageSession"/> rows of the console app: the cookie
/// carries a random handle, stored only as its SHA-256. A session ends when unused for the idle timeout (each
/// request moves its end, never past the absolute lifetime from the sign-in) or at sign-out. The CSRF token is an
/// HMAC of the handle: bound to the session, no storage, and not computable without the HttpOnly cookie.
/// </summary>
public sealed class ConsoleSessions(DirectAuthDb db, TimeProvider clock, IOptions<ConsoleOptions> options)
{
    /// <summary>The cookie on https (<c>__Host-</c>: Secure, Path=/, no Domain).</summary>
    public const string SecureCookieName = "__Host-directauth-console";
    /// <summary>The cookie on plain http, which only a loopback development server serves.</summary>
    public const string DevCookieName = "directauth-console";
    public const string CsrfHeader = "X-CSRF-Token";

    private static readonly byte[] CsrfLabel = Encoding.ASCII.GetBytes("directauth console csrf v1");
    // A session's end is written again only when it moves by more than this (not a write per request).
    private static readonly TimeSpan SlideStep = TimeSpan.FromSeconds(15);

    public async Task<(PageSession Session, string Handle)> StartAsync(JsonWebToken token, string userId, CancellationToken ct)
    {
        var handle = Secrets.NewHandle();
        var now = clock.GetUtcNow();
        var session = new PageSession
        {
            Id = Secrets.NewId("cse"),
            HandleHash = Secrets.Hash(handle),
            UserId = userId,
            ClientId = ConsoleApp.ClientId,
            ServerId = ConsoleApp.ServerId,
            Scopes = "",
            Amr = string.Join(' ', token.TryGetPayloadValue<string[]>("amr", out var amr) ? amr : []),
            AuthTime = token.TryGetPayloadValue<long>("auth_time", out var at) ? DateTimeOffset.FromUnixTimeSeconds(at) : token.IssuedAt,
            Created = now,
            ExpiresAt = NextEnd(now, now),
        };
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return (session, handle);
    }

    /// <summary>The live console session the handle names (its idle end moved forward), or null.</summary>
    public async Task<PageSession?> FindAsync(string? handle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 128) return null;
        var hash = Secrets.Hash(handle);
        var now = clock.GetUtcNow();
        var session = await db.Set<PageSession>().AsNoTracking().FirstOrDefaultAsync(s => s.HandleHash == hash && s.ClientId == ConsoleApp.ClientId, ct);
        if (session is null || session.ExpiresAt <= now) return null;
        var end = NextEnd(session.Created, now);
        if (end - session.ExpiresAt > SlideStep)
        {
            await db.Set<PageSession>().Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, end), ct);
            session.ExpiresAt = end;
        }
        return session;
    }

    public async Task EndAsync(PageSession session, CancellationToken ct) =>
        await db.Set<PageSession>().Where(s => s.Id == session.Id).ExecuteDeleteAsync(ct);

    private DateTimeOffset NextEnd(DateTimeOffset created, DateTimeOffset now)
    {
        var o = options.Value;
        var idle = now.AddSeconds(o.IdleTimeoutSeconds);
        var max = created.AddSeconds(o.MaxLifetimeSeconds);
        return idle < max ? idle : max;
    }

    public static string CsrfTokenFor(string handle) =>
        Secrets.Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(handle), CsrfLabel));

    /// <summary>Whether <paramref name="presented"/> is the session's CSRF token (constant time).</summary>
    public static bool CsrfMatches(string handle, string? presented) =>
        presented is { Length: > 0 and < 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CsrfTokenFor(handle)), Encoding.UTF8.GetBytes(presented));

    public static string CookieName(bool secure) => secure ? SecureCookieName : DevCookieName;

    public static string? HandleOf(HttpContext http) => http.Request.Cookies[CookieName(PageTransport.IsSecure(http))];

    /// <summary>A session cookie (no Expires: the server ends the session; the browser forgets it when closed).</summary>
    public static void SetCookie(HttpContext http, string handle)
    {
        var secure = PageTransport.IsSecure(http);
        http.Response.Cookies.Append(CookieName(secure), handle, new CookieOptions
        {
            HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true,
        });
    }

    public static void ClearCookie(HttpContext http)
    {
        var secure = PageTransport.IsSecure(http);
        http.Response.Cookies.Delete(CookieName(secure), new CookieOptions { HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Strict, Path = "/" });
    }
}
