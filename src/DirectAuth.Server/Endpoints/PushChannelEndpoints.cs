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
        app.MapGet(PushDeviceApi.EventsPath, EventsAsync);
    }

    private static async Task<IResult> EventsAsync(
        HttpContext http, IServiceScopeFactory scopes, ServerDirectory directory, PushEventStream stream, TimeProvider clock, IOptions<OutOfBandOptions> options)
    {
        var ct = http.RequestAborted;
        var authorization = http.Request.Headers.Authorization.ToString();
        var prefix = PushDeviceApi.AuthorizationScheme + " ";
        Authenticators.Factor? factor = null;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            if (authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var device = await PushDevices.AuthenticateAsync(db, scope.ServiceProvider.GetRequiredService<DeviceSignatures>(), authorization[prefix.Length..].Trim(),
                    PushDeviceApi.ConnectJwsType, PushJsonContext.Default.PushConnectClaims, c => c.IssuedAt, ct);
                var url = directory.OriginOf(http.Request) + PushDeviceApi.EventsPath;
                if (device is ({ } f, { Method: "GET", Id.Length: >= 16 and <= 128 } claims) && claims.Url == url
                    && await RememberProofAsync(db, f.Id, claims.Id, clock.GetUtcNow().AddSeconds(2 * options.Value.Push.DeviceClockSkewSeconds), ct))
                    factor = f;
            }
            if (factor is null)
            {
                await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(OobEvents.DeviceRefused, Outcomes.Deny,
                    "A push event stream was refused: missing, invalid, stale or replayed device signature") { Reason = "INVALID_SIGNATURE", Severity = "WARN" }, ct);
                http.Response.Headers.WWWAuthenticate = PushDeviceApi.AuthorizationScheme;
                return PushDevices.InvalidSignature();
            }
        }

        var lastEventId = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var id) && id > 0 ? id : 0;
        await stream.RunAsync(http.Response, factor, lastEventId, ct);
        return Results.Empty;
    }

    /// <summary>Records the proof's jti; false when it was used before (a replayed connect).</summary>
    private static async Task<bool> RememberProofAsync(DirectAuthDb db, string factorId, string jti, DateTimeOffset expiresAt, CancellationToken ct)
    {
        db.Add(new PushDeviceProof { FactorId = factorId, Jti = jti, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
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
