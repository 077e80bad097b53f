using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// GET /api/v1/users: <c>q</c> (prefix of login, email, first or last name), <c>search</c> and <c>filter</c>
/// (Okta's expressions, see <see cref="SearchExpression{T}"/>, over <see cref="Fields"/>), and
/// paging with <c>limit</c> (at most 200) and <c>after</c>, with a <c>Link: rel="next"</c> header.
/// </summary>
public static class UserSearch
{
    public static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, LockoutService lockout, ServerDirectory directory)
    {
        var query = http.Request.Query;
        IQueryable<User> users = db.Set<User>().AsNoTracking();

        if (query["q"].ToString() is { Length: > 0 } q)
        {
            var upper = q.ToUpperInvariant();
            users = users.Where(u => u.NormalizedLogin.StartsWith(upper) || (u.Email != null && u.Email.ToUpper().StartsWith(upper))
                || (u.FirstName != null && u.FirstName.ToUpper().StartsWith(upper)) || (u.LastName != null && u.LastName.ToUpper().StartsWith(upper)));
        }
        foreach (var parameter in new[] { "search", "filter" })
        {
            if (query[parameter].ToString() is not { Length: > 0 } expression) continue;
            var (predicate, problem) = new SearchExpression<User>(Fields, parameter).Parse(expression);
            if (predicate is null) return Validation.Failed(parameter, problem!);
            users = users.Where(predicate);
        }

        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 200) : 200;
        if (query["after"].ToString() is { Length: > 0 } after) users = users.Where(u => string.Compare(u.Id, after) > 0);
        var page = await users.OrderBy(u => u.Id).Take(limit + 1).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            var next = $"{origin}/api/v1/users?limit={limit}&after={Uri.EscapeDataString(page[^1].Id)}";
            foreach (var key in new[] { "q", "search", "filter" })
                if (query[key].ToString() is { Length: > 0 } v) next += $"&{key}={Uri.EscapeDataString(v)}";
            http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }
        var result = new List<object>(page.Count);
        foreach (var user in page)
            result.Add(UserRepresentation.From(user, await UsersApi.LockedStatusAsync(lockout, user, http.RequestAborted), origin));
        return new JsonBodyResult(result);
    }

    /// <summary>The attributes <c>search</c> and <c>filter</c> take (Okta's documented ones that DirectAuth stores as columns).</summary>
    private static readonly Dictionary<string, SearchField<User>> Fields = new(StringComparer.Ordinal)
    {
        ["id"] = new SearchField<User>.Text(u => u.Id),
        ["status"] = new SearchField<User>.Text(u => u.Status),
        ["created"] = new SearchField<User>.Time(u => u.Created),
        ["activated"] = new SearchField<User>.Time(u => u.Activated),
        ["statusChanged"] = new SearchField<User>.Time(u => u.StatusChanged),
        ["lastLogin"] = new SearchField<User>.Time(u => u.LastLogin),
        ["lastUpdated"] = new SearchField<User>.Time(u => u.LastUpdated),
        ["passwordChanged"] = new SearchField<User>.Time(u => u.PasswordChanged),
        // Logins are case-insensitive: compared in their normalized form.
        ["profile.login"] = new SearchField<User>.Text(u => u.NormalizedLogin, User.Normalize),
        ["profile.email"] = new SearchField<User>.Text(u => u.Email),
        ["profile.firstName"] = new SearchField<User>.Text(u => u.FirstName),
        ["profile.lastName"] = new SearchField<User>.Text(u => u.LastName),
        ["profile.mobilePhone"] = new SearchField<User>.Text(u => u.MobilePhone),
    };
}
