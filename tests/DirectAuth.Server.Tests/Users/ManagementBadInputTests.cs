using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Users;

/// <summary>
/// Malformed JSON to the management API (POST /api/v1/users and RFC 7591 POST /oauth2/v1/clients) gets an
/// Okta error (E0000003 malformed, E0000001 invalid) or invalid_client_metadata, never a 500, and creates nothing.
/// </summary>
public sealed class ManagementBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Users = "/api/v1/users?activate=true";
    private const string Clients = "/oauth2/v1/clients";

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string? contentType = "application/json", string? token = TestServerFactory.AdminToken)
    {
        using var http = server.Factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("SSWS", token);
        return await http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType = "application/json") =>
        PostAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    private async Task<int> CountAsync(string path)
    {
        using var admin = server.Admin();
        return JsonDocument.Parse(await admin.GetStringAsync(path)).RootElement.GetArrayLength();
    }

    private const string ValidUser = """{"profile":{"login":"LOGIN","email":"LOGIN"},"credentials":{"password":{"value":"a fine long password"}}}""";

    public static TheoryData<string, string, int, string> UserCases => new()
    {
        { "text/plain", ValidUser, 415, "E0000003" },
        { "none", ValidUser, 415, "E0000003" },
        { "application/json", "", 400, "E0000003" },
        { "application/json", "{\"profile\":", 400, "E0000003" },
        { "application/json", "{\"profile\":{\"login\":\"x@example.com\"},}", 400, "E0000003" },
        { "application/json", "[]", 400, "E0000003" },
        { "application/json", "[" + ValidUser + "]", 400, "E0000003" },
        { "application/json", "null", 400, "E0000003" },
        { "application/json", "\"LOGIN\"", 400, "E0000003" },
        { "application/json", "42", 400, "E0000003" },
        { "application/json", """{"profile":"LOGIN"}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":5}}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":["LOGIN"]}}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":"LOGIN"},"credentials":{"password":{"value":12345678}}}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":"LOGIN"},"credentials":{"password":"a fine long password"}}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":"a\u0000LOGIN"},"credentials":{"password":{"value":"a fine long password"}}}""", 400, "E0000003" },
        { "application/json", """{"profile":{"login":"LOGIN"},"credentials":{"password":{"value":"a fine\u0000long password"}}}""", 400, "E0000003" },
        { "application/json", """{"profile":{}}""", 400, "E0000001" },
        { "application/json", """{}""", 400, "E0000001" },
        { "application/json", """{"profile":{"login":"   "}}""", 400, "E0000001" },
        { "application/json", """{"profile":{"login":"LOGIN","email":"not-an-email"}}""", 400, "E0000001" },
        { "application/json", """{"profile":{"login":"LOGIN"},"credentials":{"password":{"value":"short"}}}""", 400, "E0000001" },
        { "application/json", """{"profile":{"login":"LOGIN"},"credentials":{"password":{"value":"password123"}}}""", 400, "E0000001" },
    };

    [Theory]
    [MemberData(nameof(UserCases))]
    public async Task CreateUser_MalformedBody_OktaErrorAndNoUser(string contentType, string body, int status, string errorCode)
    {
        var login = $"mgmt-{Guid.NewGuid():N}@example.com";
        var before = await CountAsync("/api/v1/users");

        var response = await PostAsync(Users, body.Replace("LOGIN", login, StringComparison.Ordinal), contentType == "none" ? null : contentType);

        await AssertOktaErrorAsync(response, status, errorCode);
        Assert.Equal(before, await CountAsync("/api/v1/users"));
    }

    [Fact]
    public async Task CreateUser_InvalidUtf8InsideString_MalformedAndNoUser()
    {
        var before = await CountAsync("/api/v1/users");
        byte[] body = [.. """{"profile":{"login":"bad"""u8, 0xC3, 0x28, .. """@example.com"}}"""u8];

        await AssertOktaErrorAsync(await PostAsync(Users, body), 400, "E0000003");
        Assert.Equal(before, await CountAsync("/api/v1/users"));
    }

    [Fact]
    public async Task CreateUser_OversizedBody_413AndNoUser()
    {
        var before = await CountAsync("/api/v1/users");
        var body = $$$"""{"profile":{"login":"big@example.com","firstName":"{{{new string('f', 70_000)}}}"}}""";

        await AssertOktaErrorAsync(await PostAsync(Users, body), 413, "E0000003");
        Assert.Equal(before, await CountAsync("/api/v1/users"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    public async Task CreateUser_NoOrWrongApiToken_401AndNoUser(string? token)
    {
        var before = await CountAsync("/api/v1/users");

        var response = await PostAsync(Users, Encoding.UTF8.GetBytes(ValidUser.Replace("LOGIN", "intruder@example.com", StringComparison.Ordinal)), token: token);

        await AssertOktaErrorAsync(response, 401, "E0000011");
        Assert.Equal(before, await CountAsync("/api/v1/users"));
    }

    [Fact]
    public async Task CreateUser_DuplicateLogin_E0000001AndOneUser()
    {
        var body = ValidUser.Replace("LOGIN", "twice@example.com", StringComparison.Ordinal);
        Assert.Equal(200, (int)(await PostAsync(Users, body)).StatusCode);
        var before = await CountAsync("/api/v1/users");

        await AssertOktaErrorAsync(await PostAsync(Users, body.Replace("twice@", "TWICE@", StringComparison.Ordinal)), 400, "E0000001");
        Assert.Equal(before, await CountAsync("/api/v1/users"));
    }

    [Theory]
    [InlineData("/api/v1/users?q=a%00b")]
    [InlineData("/api/v1/users?search=profile.login%20eq%20%22a%00b%22")]
    [InlineData("/api/v1/users?after=%00")]
    [InlineData("/api/v1/users/00u123?x=%00")]
    public async Task Management_NulInQueryString_ValidationError(string path)
    {
        using var admin = server.Admin();

        await AssertOktaErrorAsync(await admin.GetAsync(path), 400, "E0000001");
    }

    [Fact]
    public async Task ListUsers_LimitNotANumber_DefaultLimit()
    {
        using var admin = server.Admin();

        var response = await admin.GetAsync("/api/v1/users?limit=notanumber");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.ValueKind);
    }

    public static TheoryData<string, int, string> ClientCases => new()
    {
        { "", 400, "E0000003" },
        { "{", 400, "E0000003" },
        { "[]", 400, "E0000003" },
        { "null", 400, "E0000003" },
        { "\"native\"", 400, "E0000003" },
        { """{"client_name":5}""", 400, "E0000003" },
        { """{"client_name":"x","grant_types":"password"}""", 400, "E0000003" },
        { """{"client_name":"x","grant_types":[1,2]}""", 400, "E0000003" },
        { """{"client_name":"x\u0000y"}""", 400, "E0000003" },
        { """{}""", 400, "invalid_client_metadata" },
        { """{"client_name":"   "}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"desktop"}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","grant_types":["implicit"]}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","token_endpoint_auth_method":"tls_client_auth"}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"native","token_endpoint_auth_method":"client_secret_basic"}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"web","grant_types":["client_credentials"]}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt"}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":"keys"}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":"x"}}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]}}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"RSA","kid":"k"}]}}""", 400, "invalid_client_metadata" },
        { """{"client_name":"x","application_type":"service","token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}]}}""", 400, "invalid_client_metadata" },
    };

    [Theory]
    [MemberData(nameof(ClientCases))]
    public async Task RegisterClient_MalformedBody_ErrorAndNoClient(string body, int status, string error)
    {
        var before = await CountAsync(Clients);

        var response = await PostAsync(Clients, body);

        if (error.StartsWith('E')) await AssertOktaErrorAsync(response, status, error);
        else await AssertOAuthErrorAsync(response, status, error);
        Assert.Equal(before, await CountAsync(Clients));
    }

    [Fact]
    public async Task RegisterClient_WrongContentType_415AndNoClient()
    {
        var before = await CountAsync(Clients);

        await AssertOktaErrorAsync(await PostAsync(Clients, "client_name=x", "application/x-www-form-urlencoded"), 415, "E0000003");
        Assert.Equal(before, await CountAsync(Clients));
    }
}
