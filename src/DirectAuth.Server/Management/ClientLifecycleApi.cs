using DirectAuth.Server.Applications;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// <c>/oauth2/v1/clients/{clientId}/lifecycle/...</c>: <c>newSecret</c> replaces the client secret (the old
/// one stops working at once; the new one is shown once), <c>deactivate</c> makes client authentication
/// fail with <c>invalid_client</c> and ends the client's refresh tokens, <c>activate</c> undoes it.
/// </summary>
public static class ClientLifecycleApi
{
    public const string Active = "ACTIVE";
    public const string Inactive = "INACTIVE";

    public static void MapClientLifecycle(this RouteGroupBuilder clients)
    {
        clients.MapPost("/{clientId}/lifecycle/newSecret", NewSecretAsync).WithSummary("Generate a new client secret (shown once; the old one stops working)");
        clients.MapPost("/{clientId}/lifecycle/deactivate", DeactivateAsync).WithSummary("Deactivate a client: its authentication fails and its refresh tokens are revoked");
        clients.MapPost("/{clientId}/lifecycle/activate", ActivateAsync).WithSummary("Activate a deactivated client");
    }

    private static async Task<IResult> NewSecretAsync(string clientId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit, ApplicationCache clients)
    {
        var ct = http.RequestAborted;
        var app = await ClientRegistrationApi.FindAsync(db, clientId, ct);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        if (app.TokenEndpointAuthMethod is not (AuthMethods.ClientSecretBasic or AuthMethods.ClientSecretPost))
            return new OAuthErrorResult(OAuthError.InvalidRequest(
                $"The client authenticates with '{app.TokenEndpointAuthMethod}' and has no client secret."));
        var secret = Secrets.NewHandle(32);
        app.ClientSecretHash = Secrets.Hash(secret);
        app.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        clients.Forget();
        await audit.RecordAsync(ClientRegistrationApi.Audit(EventTypes.AppSecretRotated, "Generate new client secret", app), ct);
        return new JsonBodyResult(ClientRegistrationApi.Represent(app, secret));
    }

    private static async Task<IResult> DeactivateAsync(string clientId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit, ApplicationCache clients)
    {
        var ct = http.RequestAborted;
        var app = await ClientRegistrationApi.FindAsync(db, clientId, ct);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        if (app.Status == Inactive) return new JsonBodyResult(ClientRegistrationApi.Represent(app, null));
        var now = clock.GetUtcNow();
        app.Status = Inactive;
        app.LastUpdated = now;
        await db.SaveChangesAsync(ct);
        clients.Forget();
        var revoked = await db.Set<RefreshToken>().Where(t => t.ClientId == app.ClientId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        await audit.RecordAsync(ClientRegistrationApi.Audit(EventTypes.AppDeactivated, "Deactivate OAuth client", app) with
        {
            Details = new Dictionary<string, string> { ["revokedRefreshTokens"] = revoked.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, ct);
        return new JsonBodyResult(ClientRegistrationApi.Represent(app, null));
    }

    private static async Task<IResult> ActivateAsync(string clientId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit, ApplicationCache clients)
    {
        var ct = http.RequestAborted;
        var app = await ClientRegistrationApi.FindAsync(db, clientId, ct);
        if (app is null) return ClientRegistrationApi.NotFound(clientId);
        if (app.Status == Active) return new JsonBodyResult(ClientRegistrationApi.Represent(app, null));
        app.Status = Active;
        app.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        clients.Forget();
        await audit.RecordAsync(ClientRegistrationApi.Audit(EventTypes.AppActivated, "Activate OAuth client", app), ct);
        return new JsonBodyResult(ClientRegistrationApi.Represent(app, null));
    }
}
