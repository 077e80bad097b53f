namespace DirectAuth.Server.MyAccount;

/// <summary>
/// One way to recognize the caller of the MyAccount API. Sources are registered with
/// <c>services.AddScoped&lt;IMyAccountCallerSource, T&gt;()</c> and asked in registration order; the first that
/// answers a caller wins. A source that does not apply to the request (no Bearer header, no session cookie)
/// answers null; one that applies but finds the credential bad also answers null — the endpoint then answers
/// <c>401</c> with <c>WWW-Authenticate: Bearer</c>. A source checks everything about its credential (signature,
/// expiry, revocation, CSRF for cookies, an active user) before it answers a caller.
/// </summary>
public interface IMyAccountCallerSource
{
    Task<MyAccountCaller?> ResolveAsync(HttpContext http, CancellationToken ct);
}
