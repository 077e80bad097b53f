using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// A device activates a push factor: a JWS carrying the activation code, signed by the device's new P-256
/// key, with that public key in the header (proof that the device holds the private key). The code is
/// single use (its hash is cleared by the same conditional update that makes the factor ACTIVE) and expires.
/// </summary>
public sealed class PushActivation(DirectAuthDb db, DeviceSignatures signatures, TimeProvider clock, AuditLog audit)
{
    public async Task<IResult> ActivateAsync(string compact, CancellationToken ct)
    {
        if (DeviceSignatures.ReadHeader(compact) is not { Jwk: { } jwk })
            return PushDevices.Malformed("The body must be a compact JWS with the device's public key as its 'jwk' header.");
        if (DeviceSignatures.ParsePublicKey(jwk) is not { } key)
            return PushDevices.Invalid("jwk", "The device key must be a public EC P-256 JWK (kty EC, crv P-256, x, y).");
        var verified = await signatures.VerifyAsync(compact, key.Key, PushDeviceApi.ActivationJwsType,
            PushJsonContext.Default.PushActivationClaims, c => c.IssuedAt);
        if (verified is null) return PushDevices.InvalidSignature();

        var platform = verified.Claims.Platform ?? PushPlatforms.Sse;
        if (PushDeviceProfile.Problem(platform, verified.Claims.PushToken) is { } tokenProblem)
            return PushDevices.Invalid(verified.Claims.Platform is null || PushPlatforms.IsKnown(platform) ? "pushToken" : "platform", tokenProblem);
        var code = verified.Claims.ActivationCode;
        var now = clock.GetUtcNow();
        var hash = Secrets.Hash(code);
        var factor = code.Length > 256 ? null : await db.Set<Factor>().AsNoTracking()
            .FirstOrDefaultAsync(f => f.ActivationHash == hash && f.FactorType == FactorTypes.Push && f.Status == FactorStatus.PendingActivation, ct);
        var user = factor is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == factor.UserId, ct);
        if (factor is null || user is null || factor.ActivationExpiresAt <= now)
            return await RefusedAsync(factor, "The activation code is invalid, already used, or expired. Ask for a new one.", ct);

        var profile = JsonSerializer.Serialize(PushDeviceProfile.With(new Dictionary<string, string>
        {
            ["credentialId"] = user.Login,
            ["name"] = DeviceName(verified.Claims.DeviceName),
            ["keyThumbprint"] = Base64Thumbprint(key.Key),
        }, platform));
        var updated = await db.Set<Factor>()
            .Where(f => f.Id == factor.Id && f.ActivationHash == hash && f.Status == FactorStatus.PendingActivation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FactorStatus.Active)
                .SetProperty(f => f.PublicKey, key.Json)
                .SetProperty(f => f.Profile, profile)
                .SetProperty(f => f.ActivationHash, (byte[]?)null)
                .SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null)
                .SetProperty(f => f.PushPlatform, platform)
                .SetProperty(f => f.PushToken, verified.Claims.PushToken)
                .SetProperty(f => f.LastUpdated, now), ct);
        if (updated == 0) return await RefusedAsync(factor, "The activation code was used concurrently. Ask for a new one.", ct);

        await audit.RecordAsync(new AuditEntry(OobEvents.FactorActivated, Outcomes.Success, "Push authenticator activated")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, TargetId = factor.Id, TargetType = "Factor",
            Details = new Dictionary<string, string> { ["factorType"] = FactorTypes.Push, ["keyThumbprint"] = Base64Thumbprint(key.Key), ["pushProvider"] = platform },
        }, ct);
        return new WireResult<PushActivationResult>(200, new PushActivationResult
        {
            FactorId = factor.Id, UserId = user.Id, Login = user.Login, Status = FactorStatus.Active,
        }, PushJsonContext.Default.PushActivationResult);
    }

    private async Task<IResult> RefusedAsync(Factor? factor, string cause, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEntry(OobEvents.FactorActivated, Outcomes.Failure, "Push authenticator activation refused")
        {
            Reason = cause, Severity = "WARN", ActorId = factor?.UserId, ActorType = "User", TargetId = factor?.Id, TargetType = "Factor",
        }, ct);
        return PushDevices.Invalid("activationCode", cause);
    }

    private static string DeviceName(string? name)
    {
        var clean = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? "DirectAuth authenticator" : clean.Length > 100 ? clean[..100] : clean;
    }

    private static string Base64Thumbprint(Microsoft.IdentityModel.Tokens.JsonWebKey key) =>
        Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
}
