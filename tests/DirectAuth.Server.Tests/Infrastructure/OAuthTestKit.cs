using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Infrastructure;

/// <summary>
/// Shared steps of the OAuth tests: sign in, refresh, raw posts, and the assertions every error answer
/// must pass (status, <c>error</c>, a non-empty <c>error_description</c>, exact content type, no-store).
/// </summary>
public static class OAuthTestKit
{
    public const string Token = "/oauth2/default/v1/token";
    public const string Introspect = "/oauth2/default/v1/introspect";
    public const string Revoke = "/oauth2/default/v1/revoke";
    public const string Userinfo = "/oauth2/default/v1/userinfo";
    public const string FormType = "application/x-www-form-urlencoded";

    /// <summary>Signs in with the password grant and returns the token response (asserting a 200).</summary>
    public static async Task<JsonElement> SignInAsync(this ServerFixture server, string clientId, string login,
        string scope = "openid profile offline_access", string password = ServerFixture.DefaultPassword)
    {
        var (status, body) = await server.PasswordGrantAsync(clientId, login, password, scope);
        Assert.True(status == 200, $"sign-in of {login}: {status} {body}");
        return body;
    }

    public static async Task<(int Status, JsonElement Body)> RefreshAsync(this ServerFixture server, string clientId, string refreshToken, string? scope = null)
    {
        var form = new List<(string, string)> { ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken) };
        if (scope is not null) form.Add(("scope", scope));
        return await ServerFixture.ReadAsync(await server.PostFormAsync(Token, form.ToArray()));
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, byte[] body, string? contentType = FormType,
        AuthenticationHeaderValue? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = authorization;
        return http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string body, string? contentType = FormType) =>
        http.PostRawAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    public static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));

    /// <summary>Asserts an OAuth error answer exactly as PROTOCOL.md section 2 describes it; returns its description.</summary>
    public static async Task<string> AssertOAuthErrorAsync(HttpResponseMessage response, int status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {error}, got {(int)response.StatusCode}: {text}");
        AssertJsonNoStore(response);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        var description = json.RootElement.GetProperty("error_description").GetString();
        Assert.False(string.IsNullOrWhiteSpace(description));
        return description!;
    }

    /// <summary>Asserts an Okta API error answer (management API, 5xx); returns the parsed body.</summary>
    public static async Task<JsonElement> AssertOktaErrorAsync(HttpResponseMessage response, int status, string errorCode)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {errorCode}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("errorSummary").GetString()));
        Assert.Equal(errorCode, body.GetProperty("errorLink").GetString());
        Assert.StartsWith("oae", body.GetProperty("errorId").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("errorCauses").ValueKind);
        return body;
    }

    public static void AssertJsonNoStore(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    /// <summary>Runs <paramref name="query"/> on the server's own database (for facts the HTTP surface does not show).</summary>
    public static async Task<T> QueryDbAsync<T>(this TestServerFactory factory, Func<DirectAuthDb, Task<T>> query)
    {
        using var scope = factory.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<DirectAuthDb>());
    }

    /// <summary>System log events of one type about a login or user id (actor or target), oldest first.</summary>
    public static Task<List<AuditEvent>> AuditEventsAsync(this TestServerFactory factory, string eventType, string? about = null) =>
        factory.QueryDbAsync(db => db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.EventType == eventType && (about == null || e.ActorAlternateId == about || e.ActorId == about
                || e.TargetId == about || e.TargetAlternateId == about))
            .OrderBy(e => e.Id).ToListAsync());
}
