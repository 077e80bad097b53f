using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client.Tests.Infrastructure;

/// <summary>
/// A small real HTTP server (Kestrel on a loopback port) that answers like Okta does: it serves a discovery
/// document and a JWKS, and replays, per endpoint and in order, answers the test scripted as raw JSON bytes
/// (the contract's examples, byte for byte). It records every request so tests can assert what the SDK sent.
/// An unscripted request gets an Okta-shaped 500 and is recorded.
/// </summary>
public sealed class ReplayServer : IAsyncDisposable
{
    public const string ClientId = "0oa1replayclient";
    public const string Subject = "00u1replayuser";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ScriptedReply>> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ReplayServer(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";
    public string Issuer => Origin + "/oauth2/default";
    public RsaSecurityKey SigningKey { get; } = NewRsaKey("replay-key-1");

    /// <summary>The discovery document served; tests may change it before the first request.</summary>
    public JsonObject Discovery { get; private set; } = new();

    /// <summary>The JWKS served; null serves <see cref="SigningKey"/>'s public half.</summary>
    public string? JwksOverride { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public IReadOnlyList<RecordedRequest> RequestsTo(string endpoint) =>
        _requests.Where(r => r.Path == $"/oauth2/default/v1/{endpoint}").ToList();

    public static async Task<ReplayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ReplayServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        server.Discovery = server.OktaDiscovery();
        return server;
    }

    /// <summary>Scripts the next answer of <c>{issuer}/v1/{endpoint}</c>: status and the exact body bytes.</summary>
    public void Reply(string endpoint, int status, string body, Action? onServed = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _replies.GetOrAdd($"/oauth2/default/v1/{endpoint}", _ => new()).Enqueue(new ScriptedReply(status, body, onServed, headers));

    /// <summary>A token response with an access token and an id_token signed by <see cref="SigningKey"/>.</summary>
    public string TokenResponse(string? refreshToken = "rt-replay-1", Action<Dictionary<string, object>>? idClaims = null, SigningCredentials? signWith = null)
    {
        var accessToken = "eyJraWQiO.replay-access-token." + Guid.NewGuid().ToString("N");
        var idToken = MintIdToken(accessToken, idClaims, signWith);
        var refresh = refreshToken is null ? "" : $",\"refresh_token\":\"{refreshToken}\"";
        return $"{{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"{accessToken}\",\"scope\":\"openid profile offline_access\"{refresh},\"id_token\":\"{idToken}\"}}";
    }

    public string MintIdToken(string? accessToken, Action<Dictionary<string, object>>? change = null, SigningCredentials? signWith = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = ClientId, ["sub"] = Subject, ["iat"] = now, ["exp"] = now + 3600, ["auth_time"] = now,
            ["amr"] = new[] { "pwd" }, ["name"] = "Ada Lovelace", ["preferred_username"] = "ada@example.com",
        };
        if (accessToken is not null)
        {
            var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
            claims["at_hash"] = Base64UrlEncoder.Encode(hash, 0, 16);
        }
        change?.Invoke(claims);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = signWith ?? new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public static RsaSecurityKey NewRsaKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private JsonObject OktaDiscovery() => new()
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/v1/authorize",
        ["token_endpoint"] = Issuer + "/v1/token",
        ["userinfo_endpoint"] = Issuer + "/v1/userinfo",
        ["jwks_uri"] = Issuer + "/v1/keys",
        ["revocation_endpoint"] = Issuer + "/v1/revoke",
        ["grant_types_supported"] = new JsonArray("authorization_code", "implicit", "refresh_token", "password", "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code", "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
            "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
    };

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var form = new Dictionary<string, string>();
        var duplicated = new List<string>();
        if (request.HasFormContentType)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            foreach (var (key, values) in QueryHelpers.ParseQuery(await reader.ReadToEndAsync()))
            {
                if (values.Count > 1) duplicated.Add(key);
                form[key] = values.ToString();
            }
        }
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new RecordedRequest(request.Method, path, form, duplicated, request.Headers.Authorization.ToString(), request.ContentType));

        if (request.Method == "GET" && path == "/oauth2/default/.well-known/openid-configuration")
        {
            await WriteAsync(http, 200, Discovery.ToJsonString());
            return;
        }
        if (request.Method == "GET" && path == "/oauth2/default/v1/keys")
        {
            await WriteAsync(http, 200, JwksOverride ?? PublicJwks());
            return;
        }
        if (request.Method == "POST" && _replies.TryGetValue(path, out var queue) && queue.TryDequeue(out var reply))
        {
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) http.Response.Headers[name] = value;
            await WriteAsync(http, reply.Status, reply.Body);
            reply.OnServed?.Invoke();
            return;
        }
        await WriteAsync(http, 500, """{"errorCode":"E0000009","errorSummary":"No scripted answer","errorLink":"E0000009","errorId":"oaeReplayUnscripted","errorCauses":[]}""");
    }

    private string PublicJwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(SigningKey.Rsa.ExportParameters(false)) { KeyId = SigningKey.KeyId });
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["alg"] = "RS256", ["kid"] = jwk.Kid, ["use"] = "sig", ["e"] = jwk.E, ["n"] = jwk.N }),
        }.ToJsonString();
    }

    private static async Task WriteAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    private sealed record ScriptedReply(int Status, string Body, Action? OnServed, IReadOnlyDictionary<string, string>? Headers);
}

public sealed record RecordedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Form, IReadOnlyList<string> DuplicatedParameters, string Authorization, string? ContentType)
{
    public string? this[string name] => Form.TryGetValue(name, out var value) ? value : null;
}
