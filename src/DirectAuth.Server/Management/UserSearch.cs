using System.Text.RegularExpressions;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// GET /api/v1/users: <c>q</c> (prefix of login, email, first or last name), <c>search</c> or <c>filter</c>
/// (clauses <c>field eq "value"</c> joined by <c>and</c>; fields <c>id</c>, <c>status</c>,
/// <c>profile.login</c>, <c>profile.email</c>, <c>profile.firstName</c>, <c>profile.lastName</c>), and
/// paging with <c>limit</c> (at most 200) and <c>after</c>, with a <c>Link: rel="next"</c> header.
/// </summary>
public static partial class UserSearch
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
        var expression = query["search"].ToString() is { Length: > 0 } s ? s : query["filter"].ToString();
        if (expression.Length > 0)
        {
            var clauses = expression.Split(" and ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var clause in clauses)
            {
                var match = Clause().Match(clause);
                if (!match.Success) return Validation.Failed("search", $"search: Cannot parse '{clause}'; use field eq \"value\"");
                var value = match.Groups[2].Value;
                var filtered = Filter(users, match.Groups[1].Value, match.Groups[2].Value);
                if (filtered is null) return Validation.Failed("search", $"search: Field '{match.Groups[1].Value}' is not searchable");
                users = filtered;
            }
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

    private static IQueryable<User>? Filter(IQueryable<User> users, string field, string value) => field switch
    {
        "id" => users.Where(u => u.Id == value),
        "status" => users.Where(u => u.Status == value),
        "profile.login" => users.Where(u => u.NormalizedLogin == User.Normalize(value)),
        "profile.email" => users.Where(u => u.Email == value),
        "profile.firstName" => users.Where(u => u.FirstName == value),
        "profile.lastName" => users.Where(u => u.LastName == value),
        _ => null,
    };

    [GeneratedRegex("""^([A-Za-z.]+)\s+eq\s+"([^"]*)"$""")]
    private static partial Regex Clause();
}
