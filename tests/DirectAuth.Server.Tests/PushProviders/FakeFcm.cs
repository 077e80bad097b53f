using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>
/// Google's side of FCM on loopback (TLS, HTTP/1.1 and HTTP/2): the OAuth token endpoint, which checks the
/// service account's RS256 assertion (signature, <c>iss</c>, <c>scope</c>, <c>aud</c>, <c>exp</c>) as Google does,
/// and <c>/v1/projects/{id}/messages:send</c>, which checks the access token and answers with the v1 error
/// bodies (<c>google.rpc.Status</c> with an <c>FcmError</c> detail), scripted per registration token.
/// </summary>
public sealed class FakeFcm : IAsyncDisposable
{
    public const string ProjectId = "directauth-test";
    public const string ClientEmail = "push-sender@directauth-test.iam.gserviceaccount.com";
    public const string KeyId = "0123456789abcdef0123456789abcdef01234567";

    public sealed record Sent(string Token, string Protocol, JsonElement Message, string AccessToken);

    /// <summary>An FCM answer: status, <c>google.rpc</c> status name, FcmError code.</summary>
    public sealed record Reply(int Status, string? RpcStatus = null, string? ErrorCode = null, string? RetryAfter = null);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Sent> _sent = new();
    private readonly ConcurrentQueue<string> _assertions = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> _script = new();
    private readonly ConcurrentDictionary<string, byte> _issued = new();
    private int _tokens;

    /// <summary>The service account key: its public half checks assertions.</summary>
    public RSA AccountKey { get; } = RSA.Create(2048);
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;
    public string BaseUrl { get; private set; } = "";
    public string TokenUri => BaseUrl + "/token";
    /// <summary>Access tokens the token endpoint gave out.</summary>
    public int TokensIssued => _tokens;

    public IReadOnlyList<Sent> SentTo(string token) => _sent.Where(s => s.Token == token).ToArray();

    private FakeFcm(WebApplication app) => _app = app;

    public void Enqueue(string token, params Reply[] replies)
    {
        var queue = _script.GetOrAdd(token, _ => new());
        foreach (var r in replies) queue.Enqueue(r);
    }

    /// <summary>The service account key file a Firebase console gives (with this fake's token endpoint), signed by <paramref name="key"/>.</summary>
    public string ServiceAccountJson(RSA? key = null) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = KeyId,
        ["private_key"] = (key ?? AccountKey).ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "123456789012345678901",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = TokenUri,
    }.ToJsonString();

    public static async Task<FakeFcm> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeFcm(app);
        app.MapPost("/token", (Delegate)(Func<HttpContext, Task<IResult>>)fake.TokenAsync);
        app.MapPost("/v1/projects/{project}/messages:send", fake.SendAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") return OAuthError("unsupported_grant_type", "Invalid grant_type");
        var assertion = form["assertion"].ToString();
        _assertions.Enqueue(assertion);
        if (AssertionProblem(assertion) is { } problem) return OAuthError("invalid_grant", problem);
        var token = "ya29.fake-" + Interlocked.Increment(ref _tokens) + "-" + Guid.NewGuid().ToString("N");
        _issued[token] = 0;
        return Results.Text(new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" }.ToJsonString(), "application/json", Encoding.UTF8, 200);
    }

    private string? AssertionProblem(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return "Invalid JWT";
        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256") return "Invalid JWT: alg";
            if (!AccountKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return "Invalid JWT Signature.";
            var c = claims.RootElement;
            if (c.GetProperty("iss").GetString() != ClientEmail) return "Invalid JWT: iss";
            if (c.GetProperty("scope").GetString() != "https://www.googleapis.com/auth/firebase.messaging") return "Invalid JWT: scope";
            if (c.GetProperty("aud").GetString() != TokenUri) return "Invalid JWT: aud";
            var (iat, exp) = (DateTimeOffset.FromUnixTimeSeconds(c.GetProperty("iat").GetInt64()), DateTimeOffset.FromUnixTimeSeconds(c.GetProperty("exp").GetInt64()));
            if (exp <= Now() || exp - iat > TimeSpan.FromHours(1) || iat > Now().AddMinutes(5)) return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
            return null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException) { return "Invalid JWT"; }
    }

    private async Task<IResult> SendAsync(HttpContext http, string project)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var accessToken = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (!_issued.ContainsKey(accessToken))
            return Error(http, new Reply(401, "UNAUTHENTICATED"), "Request had invalid authentication credentials.");
        if (project != ProjectId) return Error(http, new Reply(404, "NOT_FOUND"), "Requested entity was not found.");
        JsonElement message;
        try { message = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.GetProperty("message").Clone(); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Error(http, new Reply(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"), "Invalid JSON payload received.");
        }
        var token = message.TryGetProperty("token", out var t) ? t.GetString() ?? "" : "";
        _sent.Enqueue(new Sent(token, http.Request.Protocol, message, accessToken));
        if (_script.TryGetValue(token, out var queue) && queue.TryDequeue(out var scripted))
            return Error(http, scripted, scripted.ErrorCode switch
            {
                "UNREGISTERED" => "Requested entity was not found.",
                "INVALID_ARGUMENT" => "The registration token is not a valid FCM registration token",
                _ => "The service is currently unavailable.",
            });
        return Results.Text(new JsonObject { ["name"] = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" }.ToJsonString(), "application/json", Encoding.UTF8, 200);
    }

    private static IResult Error(HttpContext http, Reply reply, string message)
    {
        if (reply.RetryAfter is not null) http.Response.Headers.RetryAfter = reply.RetryAfter;
        var error = new JsonObject { ["code"] = reply.Status, ["message"] = message, ["status"] = reply.RpcStatus ?? "UNAVAILABLE" };
        if (reply.ErrorCode is not null)
            error["details"] = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = reply.ErrorCode });
        return Results.Text(new JsonObject { ["error"] = error }.ToJsonString(), "application/json", Encoding.UTF8, reply.Status);
    }

    private static IResult OAuthError(string error, string description) =>
        Results.Text(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), "application/json", Encoding.UTF8, 400);

    private static byte[] Base64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        AccountKey.Dispose();
    }
}
