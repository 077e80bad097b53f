using System.Text;
using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// The authenticator app's endpoints (docs/authenticator.md): activate a push factor, listen for pushes
/// (server-sent events), answer a push. No admin token and no bearer secret: every request is signed by the
/// device's own key, checked against the key it registered at activation.
/// </summary>
public static class PushChannelEndpoints
{
    private const int MaxJwsBytes = 8192;

    public static void MapPushChannelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(PushDeviceApi.ActivatePath, async (HttpContext http, PushActivation activation) =>
        {
            var (jws, error) = await ReadJwsAsync(http.Request);
            return jws is null ? error! : await activation.ActivateAsync(jws, http.RequestAborted);
        });
        app.MapPost(PushDeviceApi.AnswerPath, async (HttpContext http, PushAnswers answers) =>
        {
            var (jws, error) = await ReadJwsAsync(http.Request);
            return jws is null ? error! : await answers.AnswerAsync(jws, http.RequestAborted);
        });
        app.MapPost(PushDeviceApi.TokenPath, async (HttpContext http, PushTokens tokens) =>
        {
            var (jws, error) = await ReadJwsAsync(http.Request);
            return jws is null ? error! : await tokens.UpdateAsync(jws, http.RequestAborted);
        });
        app.MapGet(PushDeviceApi.EventsPath, EventsAsync);
        app.MapGet(PushDeviceApi.PendingPath, PendingAsync);
    }

    private static async Task<IResult> EventsAsync(
        HttpContext http, IServiceScopeFactory scopes, ServerDirectory directory, PushEventStream stream, TimeProvider clock, IOptions<OutOfBandOptions> options)
    {
        Authenticators.Factor? factor;
        using (var scope = scopes.CreateScope())
            factor = await AuthenticateGetAsync(http, scope.ServiceProvider, directory, PushDeviceApi.EventsPath, "A push event stream was refused", clock, options);
        if (factor is null) return PushDevices.InvalidSignature();

        var lastEventId = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var id) && id > 0 ? id : 0;
        await stream.RunAsync(http.Response, factor, lastEventId, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>The pending pushes as JSON: what a phone woken by APNs/FCM fetches (signed like the stream's connect).</summary>
    private static async Task<IResult> PendingAsync(
        HttpContext http, DirectAuthDb db, IServiceProvider services, ServerDirectory directory, Security.SecretProtector protector, TimeProvider clock, IOptions<OutOfBandOptions> options)
    {
        var factor = await AuthenticateGetAsync(http, services, directory, PushDeviceApi.PendingPath, "A pending-push fetch was refused", clock, options);
        if (factor is null) return PushDevices.InvalidSignature();
        var login = await db.Set<Users.User>().AsNoTracking().Where(u => u.Id == factor.UserId).Select(u => u.Login).FirstAsync(http.RequestAborted);
        var pushes = await PushPending.ReadAsync(db, protector, factor, login, 0, clock.GetUtcNow(), http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return new WireResult<List<PushNotification>>(200, pushes.Select(p => p.Push).ToList(), PushJsonContext.Default.ListPushNotification);
    }

    /// <summary>The device of a signed GET (<c>Authorization: Device {JWS}</c>, proof for this method and URL, accepted once), or null (audited, WWW-Authenticate set).</summary>
    private static async Task<Authenticators.Factor?> AuthenticateGetAsync(HttpContext http, IServiceProvider services, ServerDirectory directory, string path,
        string refusal, TimeProvider clock, IOptions<OutOfBandOptions> options)
    {
        var ct = http.RequestAborted;
        var db = services.GetRequiredService<DirectAuthDb>();
        var authorization = http.Request.Headers.Authorization.ToString();
        var prefix = PushDeviceApi.AuthorizationScheme + " ";
        if (authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var device = await PushDevices.AuthenticateAsync(db, services.GetRequiredService<DeviceSignatures>(), authorization[prefix.Length..].Trim(),
                PushDeviceApi.ConnectJwsType, PushJsonContext.Default.PushConnectClaims, c => c.IssuedAt, ct);
            var url = directory.OriginOf(http.Request) + path;
            if (device is ({ } f, { Method: "GET", Id.Length: >= 16 and <= 128 } claims) && claims.Url == url
                && await PushDeviceProofs.RememberAsync(db, f.Id, claims.Id, clock.GetUtcNow().AddSeconds(2 * options.Value.Push.DeviceClockSkewSeconds), ct))
                return f;
        }
        await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(OobEvents.DeviceRefused, Outcomes.Deny,
            refusal + ": missing, invalid, stale or replayed device signature") { Reason = "INVALID_SIGNATURE", Severity = "WARN" }, ct);
        http.Response.Headers.WWWAuthenticate = PushDeviceApi.AuthorizationScheme;
        return null;
    }

    private static async Task<(string? Jws, IResult? Error)> ReadJwsAsync(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals(PushDeviceApi.JoseContentType, StringComparison.OrdinalIgnoreCase))
            return (null, new OktaErrorResult(415, OktaErrors.Create("E0000003", "The request body was not well-formed.", $"Content-Type must be {PushDeviceApi.JoseContentType} (a compact JWS).")));
        var body = await BodyReader.ReadAtMostAsync(request, MaxJwsBytes, request.HttpContext.RequestAborted);
        if (body is null) return (null, new OktaErrorResult(413, OktaErrors.Create("E0000003", "The request body was not well-formed.", $"The body is larger than {MaxJwsBytes} bytes.")));
        var text = Encoding.ASCII.GetString(body).Trim();
        if (text.Length == 0 || text.Any(c => c is not (>= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.')))
            return (null, PushDevices.Malformed("The body must be a compact JWS."));
        return (text, null);
    }
}
