using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
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
/// Apple's push service on loopback: HTTP/2 only, over TLS. Checks what Apple checks, answering as Apple does
/// (<c>{"reason": ...}</c>): the provider JWT (ES256 signature with the team's public key, <c>kid</c>, <c>iss</c>,
/// <c>iat</c> not older than an hour), the path, the headers; then a scripted answer per device token, else 200.
/// </summary>
public sealed class FakeApns : IAsyncDisposable
{
    public const string KeyId = "ABC123DEFG";
    public const string TeamId = "TEAM123456";
    public const string Topic = "com.example.authenticator";

    public sealed record Received(string Token, string Protocol, Dictionary<string, string> Headers, JsonElement Payload, string Jwt, DateTimeOffset At)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    }

    public sealed record Reply(int Status, string? Reason = null, string? RetryAfter = null);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> _script = new();
    private readonly ConcurrentDictionary<string, Reply> _always = new();

    /// <summary>The key whose public half checks provider JWTs (the server is given its private half, or another).</summary>
    public ECDsa TeamKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    /// <summary>The clock the JWT's <c>iat</c> is checked against (the server's test clock).</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Received> Requests => _received.ToArray();
    public IReadOnlyList<Received> RequestsFor(string token) => _received.Where(r => r.Token == token).ToArray();

    private FakeApns(WebApplication app) => _app = app;

    /// <summary>The next requests for <paramref name="token"/> get these answers, in order (after them: 200).</summary>
    public void Enqueue(string token, params Reply[] replies)
    {
        var queue = _script.GetOrAdd(token, _ => new());
        foreach (var r in replies) queue.Enqueue(r);
    }

    /// <summary>Every request for <paramref name="token"/> gets <paramref name="reply"/>.</summary>
    public void Always(string token, Reply reply) => _always[token] = reply;

    public static async Task<FakeApns> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeApns(app);
        app.MapPost("/3/device/{token}", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/');
        return fake;
    }

    private async Task<IResult> HandleAsync(HttpContext http, string token)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var authorization = http.Request.Headers.Authorization.ToString();
        var jwt = authorization.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : "";
        JsonElement payload;
        try { payload = JsonDocument.Parse(body.ToArray()).RootElement.Clone(); }
        catch (JsonException) { return Answer(http, new Reply(400, "PayloadEmpty")); }
        _received.Enqueue(new Received(token, http.Request.Protocol,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), payload, jwt, DateTimeOffset.UtcNow));

        if (http.Request.Protocol != "HTTP/2") return Answer(http, new Reply(400, "BadRequest"));
        if (jwt.Length == 0) return Answer(http, new Reply(403, "MissingProviderToken"));
        if (!ProviderTokenValid(jwt, out var expired)) return Answer(http, new Reply(403, expired ? "ExpiredProviderToken" : "InvalidProviderToken"));
        if (http.Request.Headers["apns-topic"] != Topic) return Answer(http, new Reply(400, "BadTopic"));
        if (http.Request.Headers["apns-push-type"] != "alert") return Answer(http, new Reply(400, "InvalidPushType"));
        if (http.Request.Headers["apns-priority"].ToString() is not ("10" or "5")) return Answer(http, new Reply(400, "BadPriority"));
        if (!long.TryParse(http.Request.Headers["apns-expiration"], out _)) return Answer(http, new Reply(400, "BadExpirationDate"));
        if (Encoding.UTF8.GetByteCount(http.Request.Headers["apns-collapse-id"].ToString()) > 64) return Answer(http, new Reply(400, "BadCollapseId"));
        if (body.Length > 4096) return Answer(http, new Reply(413, "PayloadTooLarge"));
        if (!token.All(Uri.IsHexDigit)) return Answer(http, new Reply(400, "BadDeviceToken"));

        if (_always.TryGetValue(token, out var always)) return Answer(http, always);
        if (_script.TryGetValue(token, out var queue) && queue.TryDequeue(out var scripted)) return Answer(http, scripted);
        http.Response.Headers["apns-id"] = Guid.NewGuid().ToString().ToUpperInvariant();
        return Results.Empty;
    }

    private bool ProviderTokenValid(string jwt, out bool expired)
    {
        expired = false;
        var parts = jwt.Split('.');
        if (parts.Length != 3) return false;
        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            if (header.RootElement.GetProperty("alg").GetString() != "ES256" || header.RootElement.GetProperty("kid").GetString() != KeyId) return false;
            if (claims.RootElement.GetProperty("iss").GetString() != TeamId) return false;
            if (!TeamKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return false;
            var age = Now() - DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("iat").GetInt64());
            expired = age > TimeSpan.FromHours(1);
            return !expired && age > TimeSpan.FromMinutes(-5);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException) { return false; }
    }

    private static IResult Answer(HttpContext http, Reply reply)
    {
        if (reply.RetryAfter is not null) http.Response.Headers.RetryAfter = reply.RetryAfter;
        http.Response.Headers["apns-id"] = Guid.NewGuid().ToString().ToUpperInvariant();
        if (reply.Status == 200) return Results.Empty;
        var body = reply.Status == 410
            ? $$"""{"reason":"{{reply.Reason ?? "Unregistered"}}","timestamp":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}"""
            : $$"""{"reason":"{{reply.Reason ?? "InternalServerError"}}"}""";
        return Results.Text(body, "application/json", Encoding.UTF8, reply.Status);
    }

    private static byte[] Base64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        TeamKey.Dispose();
    }
}
