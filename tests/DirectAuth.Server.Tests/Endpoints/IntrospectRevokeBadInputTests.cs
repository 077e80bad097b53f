using System.Text;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>
/// Malformed requests to introspect and revoke get the contract's error and change nothing: each case
/// wraps an otherwise valid request about a refresh token, which must still work afterwards.
/// </summary>
public sealed class IntrospectRevokeBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, int, string> Cases()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var endpoint in new[] { Introspect, Revoke })
        {
            data.Add(endpoint, "content type application/json", 400, "invalid_request");
            data.Add(endpoint, "no content type", 400, "invalid_request");
            data.Add(endpoint, "duplicate token", 400, "invalid_request");
            data.Add(endpoint, "duplicate client_id", 400, "invalid_request");
            data.Add(endpoint, "missing token", 400, "invalid_request");
            data.Add(endpoint, "empty token", 400, "invalid_request");
            data.Add(endpoint, "invalid UTF-8 raw", 400, "invalid_request");
            data.Add(endpoint, "invalid UTF-8 percent-encoded", 400, "invalid_request");
            data.Add(endpoint, "malformed escape", 400, "invalid_request");
            data.Add(endpoint, "NUL character", 400, "invalid_request");
            data.Add(endpoint, "oversized body", 413, "invalid_request");
            data.Add(endpoint, "oversized body, chunked", 413, "invalid_request");
            data.Add(endpoint, "malformed Basic header", 401, "invalid_client");
            data.Add(endpoint, "missing client_id", 401, "invalid_client");
            data.Add(endpoint, "two client authentication methods", 400, "invalid_request");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_MalformedRequest_ExactErrorAndTokenUntouched(string endpoint, string defect, int status, string error)
    {
        var client = await server.RegisterClientAsync();
        var login = $"ir-bad-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        var refresh = (await server.SignInAsync(client.ClientId, login)).GetProperty("refresh_token").GetString()!;
        var valid = $"client_id={client.ClientId}&token={Uri.EscapeDataString(refresh)}&token_type_hint=refresh_token";
        byte[] With(string suffix) => Encoding.UTF8.GetBytes(valid + suffix);

        var http = server.Http;
        var response = defect switch
        {
            "content type application/json" => await http.PostRawAsync(endpoint, With(""), "application/json"),
            "no content type" => await http.PostRawAsync(endpoint, With(""), null),
            "duplicate token" => await http.PostRawAsync(endpoint, With("&token=x")),
            "duplicate client_id" => await http.PostRawAsync(endpoint, With($"&client_id={client.ClientId}")),
            "missing token" => await http.PostRawAsync(endpoint, $"client_id={client.ClientId}"),
            "empty token" => await http.PostRawAsync(endpoint, $"client_id={client.ClientId}&token="),
            "invalid UTF-8 raw" => await http.PostRawAsync(endpoint, [.. With("&x="), 0xFF]),
            "invalid UTF-8 percent-encoded" => await http.PostRawAsync(endpoint, With("&x=%FF")),
            "malformed escape" => await http.PostRawAsync(endpoint, With("&x=%G0")),
            "NUL character" => await http.PostRawAsync(endpoint, With("&x=%00")),
            "oversized body" => await http.PostRawAsync(endpoint, With("&pad=" + new string('p', 70_000))),
            "oversized body, chunked" => await SendAsync(new StreamContent(new MemoryStream(With("&pad=" + new string('p', 70_000))))),
            "malformed Basic header" => await SendAsync(new ByteArrayContent(With("")), "Basic ***"),
            "missing client_id" => await http.PostRawAsync(endpoint, $"token={Uri.EscapeDataString(refresh)}"),
            "two client authentication methods" => await SendAsync(new ByteArrayContent(With("&client_secret=x")), Basic(client.ClientId, "x").ToString()),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        await AssertOAuthErrorAsync(response, status, error);
        var (after, body) = await server.RefreshAsync(client.ClientId, refresh);
        Assert.True(after == 200, $"after '{defect}' at {endpoint} the refresh token no longer works: {body}");

        Task<HttpResponseMessage> SendAsync(HttpContent content, string? authorization = null)
        {
            content.Headers.ContentType = new(FormType);
            var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return http.SendAsync(request);
        }
    }
}
