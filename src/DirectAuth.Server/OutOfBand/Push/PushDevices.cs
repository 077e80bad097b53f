using System.Text.Json.Serialization.Metadata;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>Finds the device (ACTIVE push factor) that signed a message, and the device API's error answers.</summary>
public static class PushDevices
{
    /// <summary>The factor named by the JWS <c>kid</c> and the verified claims, or null when anything does not check out.</summary>
    public static async Task<(Factor Factor, T Claims)?> AuthenticateAsync<T>(
        DirectAuthDb db, DeviceSignatures signatures, string compact, string type, JsonTypeInfo<T> claimsType, Func<T, long> issuedAt, CancellationToken ct)
    {
        if (DeviceSignatures.ReadHeader(compact) is not { KeyId: { Length: > 0 and <= 64 } factorId }) return null;
        var factor = await db.Set<Factor>().AsNoTracking()
            .FirstOrDefaultAsync(f => f.Id == factorId && f.FactorType == FactorTypes.Push && f.Status == FactorStatus.Active, ct);
        if (factor?.PublicKey is null) return null;
        var verified = await signatures.VerifyAsync(compact, DeviceSignatures.StoredKey(factor.PublicKey), type, claimsType, issuedAt);
        return verified is null ? null : (factor, verified.Claims);
    }

    public static OktaErrorResult InvalidSignature() =>
        new(401, OktaErrors.Create("E0000011", "Invalid token provided", "The device signature is missing, invalid, stale, already used, or not from an active push authenticator."));

    public static OktaErrorResult Invalid(string field, string cause) =>
        new(400, OktaErrors.Create("E0000001", $"Api validation failed: {field}", cause));

    public static OktaErrorResult Malformed(string cause) =>
        new(400, OktaErrors.Create("E0000003", "The request body was not well-formed.", cause));
}
