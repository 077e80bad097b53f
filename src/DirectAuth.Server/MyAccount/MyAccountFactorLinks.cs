using DirectAuth.Server.Http;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// A factor handler answers with the links of the admin Factors API (<c>/api/v1/users/{id}/factors/{fid}...</c>);
/// the MyAccount API shows the same factor with its own links (<c>/idp/myaccount/factors/{fid}...</c>) and without
/// the admin-only <c>user</c> link. Other links (the TOTP QR image, the push device's activation endpoint) stay.
/// </summary>
public static class MyAccountFactorLinks
{
    public const string BasePath = "/idp/myaccount";

    public static Dictionary<string, object?> Rewrite(Dictionary<string, object?> factor, string origin)
    {
        if (factor["id"] is not string id) return factor;
        var admin = $"{origin}/api/v1/users/";
        var self = $"{origin}{BasePath}/factors/{id}";
        if (factor.TryGetValue("_links", out var l) && l is Dictionary<string, object> links)
        {
            links.Remove("user");
            foreach (var key in links.Keys.ToList()) links[key] = RewriteHref(links[key], admin, id, self);
        }
        return factor;
    }

    /// <summary>An answer of a factor handler with its links rewritten; other answers (errors) unchanged.</summary>
    public static IResult Rewrite(IResult result, string origin) =>
        result is JsonBodyResult { Value: Dictionary<string, object?> body } json ? new JsonBodyResult(Rewrite(body, origin), json.Status) : result;

    private static object RewriteHref(object link, string admin, string id, string self)
    {
        switch (link)
        {
            case Dictionary<string, string> d when d.TryGetValue("href", out var href):
                d["href"] = Map(href, admin, id, self);
                return d;
            case Dictionary<string, object> d when d.TryGetValue("href", out var href) && href is string h:
                d["href"] = Map(h, admin, id, self);
                return d;
            case Dictionary<string, object>[] many:
                foreach (var d in many) RewriteHref(d, admin, id, self);
                return many;
            default:
                return link;
        }
    }

    private static string Map(string href, string admin, string id, string self)
    {
        if (!href.StartsWith(admin, StringComparison.Ordinal)) return href;
        var marker = $"/factors/{id}";
        var at = href.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return href;
        var rest = href[(at + marker.Length)..];
        return rest is "" or "/lifecycle/activate" or "/resend" ? self + rest : href;
    }
}
