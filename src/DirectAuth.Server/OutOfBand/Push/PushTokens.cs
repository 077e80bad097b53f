using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// A device tells the server its new push token (APNs and FCM rotate them; a user may also move the app from
/// one platform to another, e.g. turn off notifications: <c>sse</c>). Signed with the device key like its other
/// requests; the profile the admin and the user see follows.
/// </summary>
public sealed class PushTokens(DirectAuthDb db, DeviceSignatures signatures, TimeProvider clock, AuditLog audit, IOptions<OutOfBandOptions> options)
{
    public async Task<IResult> UpdateAsync(string compact, CancellationToken ct)
    {
        var device = await PushDevices.AuthenticateAsync(db, signatures, compact, PushDeviceApi.TokenJwsType, PushJsonContext.Default.PushTokenClaims, c => c.IssuedAt, ct);
        var now = clock.GetUtcNow();
        if (device is not ({ } signed, { Id.Length: >= 16 and <= 128 } fresh)
            || !await PushDeviceProofs.RememberAsync(db, signed.Id, fresh.Id, now.AddSeconds(2 * options.Value.Push.DeviceClockSkewSeconds), ct))
        {
            await audit.RecordAsync(new AuditEntry(OobEvents.DeviceRefused, Outcomes.Deny, "A push token update with an invalid, stale, replayed or unknown device signature was refused")
            { Reason = "INVALID_SIGNATURE", Severity = "WARN" }, ct);
            return PushDevices.InvalidSignature();
        }
        var (factor, claims) = (signed, fresh);
        if (PushDeviceProfile.Problem(claims.Platform, claims.PushToken) is { } problem)
            return PushDevices.Invalid(PushPlatforms.IsKnown(claims.Platform) ? "pushToken" : "platform", problem);

        var profile = JsonSerializer.Serialize(PushDeviceProfile.With(PushDeviceProfile.Read(factor.Profile), claims.Platform));
        await db.Set<Factor>().Where(f => f.Id == factor.Id && f.Status == FactorStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.PushPlatform, claims.Platform).SetProperty(f => f.PushToken, claims.PushToken)
                .SetProperty(f => f.Profile, profile).SetProperty(f => f.LastUpdated, now), ct);
        await audit.RecordAsync(new AuditEntry(PushTokenEvents.Updated, Outcomes.Success, "Push authenticator's push token updated by its device")
        {
            ActorId = factor.UserId, ActorType = "User", TargetId = factor.Id, TargetType = "Factor",
            Details = new Dictionary<string, string> { ["pushProvider"] = claims.Platform, ["previousPushProvider"] = factor.PushPlatform ?? "" },
        }, ct);
        return new WireResult<PushTokenResult>(200, new PushTokenResult { FactorId = factor.Id, Platform = claims.Platform }, PushJsonContext.Default.PushTokenResult);
    }
}

/// <summary>System log event types of the device's push token (DirectAuth's own names).</summary>
public static class PushTokenEvents
{
    /// <summary>The device sent a new push token or platform.</summary>
    public const string Updated = "user.mfa.push.token_updated";
    /// <summary>APNs or FCM said the token is no longer valid (app removed, token rotated): the server forgot it (WARN).</summary>
    public const string Removed = "user.mfa.push.token_removed";
    /// <summary>APNs or FCM refused the server's credentials (a bad or revoked key): raised once per provider and cause (ERROR).</summary>
    public const string ProviderCredentialsRejected = "system.push.provider.credentials_rejected";
    /// <summary>A wake-up could not be delivered (retries used up, the push expired, or a final refusal).</summary>
    public const string WakeFailed = "system.push.provider.delivery_failed";
}
