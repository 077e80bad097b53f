using System.Text;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>
/// Malformed requests to the token endpoint get the contract's error and change nothing: each case wraps
/// an otherwise valid refresh request, and the refresh token must still work afterwards.
/// </summary>
public sealed class TokenBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int MaxBody = 64 * 1024;

    public static TheoryData<string, int, string> RefreshDefects => new()
    {
        { "content type application/json", 400, "invalid_request" },
        { "content type text/plain", 400, "invalid_request" },
        { "no content type", 400, "invalid_request" },
        { "charset iso-8859-1", 400, "invalid_request" },
        { "duplicate refresh_token", 400, "invalid_request" },
        { "duplicate grant_type", 400, "invalid_request" },
        { "duplicate unknown parameter", 400, "invalid_request" },
        { "invalid UTF-8 raw", 400, "invalid_request" },
        { "invalid UTF-8 percent-encoded", 400, "invalid_request" },
        { "overlong UTF-8", 400, "invalid_request" },
        { "encoded surrogate", 400, "invalid_request" },
        { "truncated escape at end", 400, "invalid_request" },
        { "one hex digit escape", 400, "invalid_request" },
        { "non-hex escape", 400, "invalid_request" },
        { "NUL character", 400, "invalid_request" },
        { "oversized body", 413, "invalid_request" },
        { "oversized body, small Content-Length", 413, "invalid_request" },
        { "oversized body, chunked", 413, "invalid_request" },
        { "malformed Basic header", 401, "invalid_client" },
        { "Basic header without colon", 401, "invalid_client" },
        { "Basic and client_secret at once", 400, "invalid_request" },
        { "unknown grant type", 400, "unsupported_grant_type" },
        { "missing grant_type", 400, "invalid_request" },
        { "empty grant_type", 400, "invalid_request" },
        { "missing client_id", 401, "invalid_client" },
        { "unknown client_id", 401, "invalid_client" },
        { "client_id too long", 401, "invalid_client" },
    };

    [Theory]
    [MemberData(nameof(RefreshDefects))]
    public async Task TokenEndpoint_MalformedRefreshRequest_ExactErrorAndTokenStillUsable(string defect, int status, string error)
    {
        var client = await server.RegisterClientAsync();
        var login = $"bad-input-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        var refreshToken = (await server.SignInAsync(client.ClientId, login)).GetProperty("refresh_token").GetString()!;
        var valid = $"grant_type=refresh_token&client_id={client.ClientId}&refresh_token={Uri.EscapeDataString(refreshToken)}";

        var response = await SendAsync(defect, valid, client.ClientId);

        await AssertOAuthErrorAsync(response, status, error);
        var (after, body) = await server.RefreshAsync(client.ClientId, refreshToken);
        Assert.True(after == 200, $"after '{defect}' the refresh token no longer works: {after} {body}");
    }

    private Task<HttpResponseMessage> SendAsync(string defect, string valid, string clientId)
    {
        var http = server.Http;
        var bytes = Encoding.UTF8.GetBytes(valid);
        byte[] With(string suffix) => Encoding.UTF8.GetBytes(valid + suffix);
        byte[] WithRaw(params byte[] suffix) => [.. bytes, .. suffix];
        var padding = "&pad=" + new string('a', MaxBody);
        return defect switch
        {
            "content type application/json" => http.PostRawAsync(Token, bytes, "application/json"),
            "content type text/plain" => http.PostRawAsync(Token, bytes, "text/plain"),
            "no content type" => http.PostRawAsync(Token, bytes, null),
            "charset iso-8859-1" => http.PostRawAsync(Token, bytes, FormType + "; charset=iso-8859-1"),
            "duplicate refresh_token" => http.PostRawAsync(Token, With("&refresh_token=other")),
            "duplicate grant_type" => http.PostRawAsync(Token, With("&grant_type=refresh_token")),
            "duplicate unknown parameter" => http.PostRawAsync(Token, With("&acr_values=a&acr_values=b")),
            "invalid UTF-8 raw" => http.PostRawAsync(Token, WithRaw([.. "&x="u8, 0xC3, 0x28])),
            "invalid UTF-8 percent-encoded" => http.PostRawAsync(Token, With("&x=%C3%28")),
            "overlong UTF-8" => http.PostRawAsync(Token, With("&x=%C0%AF")),
            "encoded surrogate" => http.PostRawAsync(Token, With("&x=%ED%A0%80")),
            "truncated escape at end" => http.PostRawAsync(Token, With("&x=%")),
            "one hex digit escape" => http.PostRawAsync(Token, With("&x=%4")),
            "non-hex escape" => http.PostRawAsync(Token, With("&x=%zz")),
            "NUL character" => http.PostRawAsync(Token, With("&x=a%00b")),
            "oversized body" => http.PostRawAsync(Token, With(padding)),
            "oversized body, small Content-Length" => SendWithContent(new ByteArrayContent(With(padding)) { Headers = { ContentLength = bytes.Length } }),
            "oversized body, chunked" => SendWithContent(new StreamContent(new MemoryStream(With(padding)))),
            "malformed Basic header" => SendWithAuthorization(bytes, "Basic !!not-base64!!"),
            "Basic header without colon" => SendWithAuthorization(bytes, "Basic " + Convert.ToBase64String("no-colon-here"u8.ToArray())),
            "Basic and client_secret at once" => SendWithAuthorization(With("&client_secret=s"), Basic(clientId, "s").ToString()),
            "unknown grant type" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace("grant_type=refresh_token", "grant_type=urn:example:unknown", StringComparison.Ordinal))),
            "missing grant_type" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace("grant_type=refresh_token&", "", StringComparison.Ordinal))),
            "empty grant_type" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace("grant_type=refresh_token", "grant_type=", StringComparison.Ordinal))),
            "missing client_id" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace($"client_id={clientId}&", "", StringComparison.Ordinal))),
            "unknown client_id" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace(clientId, "0oaUnknownClient00000", StringComparison.Ordinal))),
            "client_id too long" => http.PostRawAsync(Token, Encoding.UTF8.GetBytes(valid.Replace(clientId, new string('c', 5000), StringComparison.Ordinal))),
            _ => throw new ArgumentOutOfRangeException(nameof(defect), defect, null),
        };

        Task<HttpResponseMessage> SendWithContent(HttpContent content)
        {
            content.Headers.ContentType = new(FormType);
            return http.SendAsync(new HttpRequestMessage(HttpMethod.Post, Token) { Content = content });
        }

        Task<HttpResponseMessage> SendWithAuthorization(byte[] body, string authorization)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Token) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new(FormType);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return http.SendAsync(request);
        }
    }

    [Fact]
    public async Task TokenEndpoint_MalformedBasicHeader_AnswersWithBasicChallenge()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Token) { Content = new StringContent("grant_type=password", Encoding.UTF8, FormType) };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic %%%");

        var response = await server.Http.SendAsync(request);

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    public static TheoryData<string, string, int, string> PasswordDefects => new()
    {
        { "missing username", "grant_type=password&client_id={client}&password={password}&scope=openid", 400, "invalid_request" },
        { "missing password", "grant_type=password&client_id={client}&username={login}&scope=openid", 400, "invalid_request" },
        { "empty password", "grant_type=password&client_id={client}&username={login}&password=&scope=openid", 400, "invalid_request" },
        { "missing scope", "grant_type=password&client_id={client}&username={login}&password={password}", 400, "invalid_scope" },
        { "unknown scope", "grant_type=password&client_id={client}&username={login}&password={password}&scope=openid%20admin", 400, "invalid_scope" },
        { "duplicate password", "grant_type=password&client_id={client}&username={login}&password={password}&password=wrong&scope=openid", 400, "invalid_request" },
        { "duplicate username", "grant_type=password&client_id={client}&username={login}&username=other%40example.com&password={password}&scope=openid", 400, "invalid_request" },
        { "NUL in username", "grant_type=password&client_id={client}&username=a%00{login}&password={password}&scope=openid", 400, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(PasswordDefects))]
    public async Task TokenEndpoint_MalformedPasswordRequest_ExactErrorAndNoFailureCounted(string defect, string form, int status, string error)
    {
        var client = await server.RegisterClientAsync();
        var login = $"pw-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        var body = form.Replace("{client}", client.ClientId, StringComparison.Ordinal)
            .Replace("{login}", Uri.EscapeDataString(login), StringComparison.Ordinal)
            .Replace("{password}", Uri.EscapeDataString(ServerFixture.DefaultPassword), StringComparison.Ordinal);

        var response = await server.Http.PostRawAsync(Token, body);

        await AssertOAuthErrorAsync(response, status, error);
        var failures = (await server.Factory.AuditEventsAsync(EventTypes.SignIn, login)).Count(e => e.Outcome == Outcomes.Failure);
        Assert.True(failures == 0, $"'{defect}' counted {failures} failed sign-ins");
        await server.SignInAsync(client.ClientId, login);
    }

    [Fact]
    public async Task TokenEndpoint_VeryLongUnknownGrantType_UnsupportedGrantTypeWithShortDescription()
    {
        var client = await server.RegisterClientAsync();

        var response = await server.PostFormAsync(Token, ("grant_type", new string('g', 20_000)), ("client_id", client.ClientId));

        var description = await AssertOAuthErrorAsync(response, 400, "unsupported_grant_type");
        Assert.True(description.Length < 300, description);
    }

    [Fact]
    public async Task TokenEndpoint_CharsetUtf8_Accepted()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("charset@example.com");
        var body = $"grant_type=password&client_id={client.ClientId}&username=charset%40example.com&password={Uri.EscapeDataString(ServerFixture.DefaultPassword)}&scope=openid";

        var response = await server.Http.PostRawAsync(Token, body, FormType + "; charset=UTF-8");

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/oauth2/nosuchserver/v1/token")]
    [InlineData("/oauth2/org/v1/token")]
    [InlineData("/oauth2/%C3%28/v1/token")]
    public async Task TokenEndpoint_UnknownAuthorizationServer_OktaNotFound(string path)
    {
        var response = await server.Http.PostRawAsync(path, "grant_type=password");

        await AssertOktaErrorAsync(response, 404, "E0000007");
    }

    [Fact]
    public async Task TokenEndpoint_VeryLongServerId_OktaNotFound()
    {
        var response = await server.Http.PostRawAsync($"/oauth2/{new string('s', 3000)}/v1/token", "grant_type=password");

        await AssertOktaErrorAsync(response, 404, "E0000007");
    }

    [Fact]
    public async Task TokenEndpoint_Get_MethodNotAllowedAsJson()
    {
        var response = await server.Http.GetAsync(Token);

        await AssertOktaErrorAsync(response, 405, "E0000022");
    }
}
