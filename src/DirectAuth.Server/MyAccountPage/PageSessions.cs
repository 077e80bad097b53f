using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// The My Account page's server-side sessions: started from an access token of the built-in page app, found by
/// the cookie's handle (hash lookup), ended at sign-out or when the token would have expired. The CSRF token is
/// an HMAC of the handle, so it is bound to the session, needs no storage, and cannot be made without the
/// HttpOnly cookie.
/// </summary>
public sealed class PageSessions(DirectAuthDb db, TimeProvider clock)
{
    /// <summary>The cookie on https (<c>__Host-</c>: Secure, Path=/, no Domain).</summary>
    public const string SecureCookieName = "__Host-directauth-myaccount";
    /// <summary>The cookie on plain http, which only a loopback development server serves.</summary>
    public const string DevCookieName = "directauth-myaccount";
    public const string CsrfHeader = "X-CSRF-Token";

    private static readonly byte[] CsrfLabel = Encoding.ASCII.GetBytes("directauth myaccount csrf v1");

    /// <summary>A new session from a validated access token; returns it and the handle for the cookie.</summary>
    public async Task<(PageSession Session, string Handle)> StartAsync(JsonWebToken token, string serverId, string? replacing, CancellationToken ct)
    {
        var handle = Secrets.NewHandle();
        var now = clock.GetUtcNow();
        var session = new PageSession
        {
            Id = Secrets.NewId("pse"),
            HandleHash = Secrets.Hash(handle),
            UserId = token.GetPayloadValue<string>("uid"),
            ClientId = token.GetPayloadValue<string>("cid"),
            ServerId = serverId,
            Scopes = string.Join(' ', token.TryGetPayloadValue<string[]>("scp", out var scp) ? scp : []),
            Amr = string.Join(' ', token.TryGetPayloadValue<string[]>("amr", out var amr) ? amr : []),
            Acr = token.TryGetPayloadValue<string>("acr", out var acr) ? acr : null,
            AuthTime = token.TryGetPayloadValue<long>("auth_time", out var at) ? DateTimeOffset.FromUnixTimeSeconds(at) : token.IssuedAt,
            Created = now,
            ExpiresAt = new DateTimeOffset(token.ValidTo, TimeSpan.Zero),
        };
        db.Add(session);
        // Signing in again (step-up) replaces the session this browser had.
        if (replacing is not null && await FindAsync(replacing, ct) is { } old) db.Remove(old);
        await db.SaveChangesAsync(ct);
        return (session, handle);
    }

    /// <summary>The live session the handle names, or null (unknown, malformed, expired).</summary>
    public async Task<PageSession?> FindAsync(string? handle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 128) return null;
        var hash = Secrets.Hash(handle);
        var now = clock.GetUtcNow();
        var session = await db.Set<PageSession>().FirstOrDefaultAsync(s => s.HandleHash == hash, ct);
        return session is not null && session.ExpiresAt > now ? session : null;
    }

    public async Task<bool> EndAsync(PageSession session, CancellationToken ct) =>
        await db.Set<PageSession>().Where(s => s.Id == session.Id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>The CSRF token of the session whose cookie holds <paramref name="handle"/>.</summary>
    public static string CsrfTokenFor(string handle) =>
        Secrets.Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(handle), CsrfLabel));

    /// <summary>Whether <paramref name="presented"/> is the session's CSRF token (constant time).</summary>
    public static bool CsrfMatches(string handle, string? presented) =>
        presented is { Length: > 0 and < 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CsrfTokenFor(handle)), Encoding.UTF8.GetBytes(presented));

    public static string CookieName(bool secure) => secure ? SecureCookieName : DevCookieName;

    /// <summary>The session handle the request's cookie carries (the <c>__Host-</c> one when the page is on https).</summary>
    public static string? HandleOf(HttpContext http) => http.Request.Cookies[CookieName(PageTransport.IsSecure(http))];

    public static void SetCookie(HttpContext http, string handle, DateTimeOffset expires)
    {
        var secure = PageTransport.IsSecure(http);
        http.Response.Cookies.Append(CookieName(secure), handle, new CookieOptions
        {
            HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Strict, Path = "/", Expires = expires, IsEssential = true,
        });
    }

    public static void ClearCookie(HttpContext http)
    {
        var secure = PageTransport.IsSecure(http);
        http.Response.Cookies.Delete(CookieName(secure), new CookieOptions { HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Strict, Path = "/" });
    }
}

internal sealed class PageSessionExpiringRows : IExpiringRows
{
    public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct) =>
        db.Set<PageSession>().Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(ct);
}
