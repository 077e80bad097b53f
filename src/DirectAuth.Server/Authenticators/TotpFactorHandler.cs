using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.RecoveryCodes;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Authenticators;

/// <summary>
/// <c>token:software:totp</c> in the Factors API. Enrolling answers PENDING_ACTIVATION with
/// <c>_embedded.activation</c> (the shared secret — shown this once —, its encoding and length, the time
/// step, an <c>otpauth://</c> URI and a link to the QR code image, which works only while the enrollment
/// is pending and unexpired). Activating with a current <c>passCode</c> makes it ACTIVE and issues a fresh
/// set of recovery codes, returned once in <c>_embedded.recoveryCodes</c>.
/// </summary>
public sealed class TotpFactorHandler(
    DirectAuthDb db, SecretProtector protector, TotpVerifier verifier, RecoveryCodeService recoveryCodes,
    TimeProvider clock, IOptions<MfaOptions> options, AuditLog audit, FactorChangeActor actor) : IFactorHandler
{
    public string FactorType => FactorTypes.Totp;

    public async Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct)
    {
        var (settings, provider, problem) = Read(request.Body);
        if (problem is not null) return problem;
        var user = request.User;
        if (await db.Set<Factor>().AnyAsync(f => f.UserId == user.Id && f.FactorType == FactorTypes.Totp && f.Status == FactorStatus.Active, ct))
            return Validation.Failed("factor", "There is an existing verified factor of type token:software:totp; delete it before enrolling a new one.");

        var now = clock.GetUtcNow();
        var secret = RandomNumberGenerator.GetBytes(Totp.KeyBytes(settings!.Algorithm));
        var qrToken = Secrets.NewHandle();
        var factor = new Factor
        {
            Id = Secrets.NewId("uft"),
            UserId = user.Id,
            FactorType = FactorTypes.Totp,
            Provider = provider!,
            Status = FactorStatus.PendingActivation,
            Created = now,
            LastUpdated = now,
            Profile = settings.ProfileJson(user.Login),
            SealedSecret = protector.Protect(secret),
            ActivationHash = Secrets.Hash(qrToken),
            ActivationExpiresAt = now.AddSeconds(options.Value.TotpEnrollmentSeconds),
        };
        // A new enrollment replaces one still pending (its secret and QR link stop working).
        await db.Set<Factor>().Where(f => f.UserId == user.Id && f.FactorType == FactorTypes.Totp && f.Status == FactorStatus.PendingActivation)
            .ExecuteDeleteAsync(ct);
        db.Add(factor);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorEnrolled, "Enroll TOTP factor", factor, user), ct);

        var body = Represent(factor, request.Origin);
        var sharedSecret = TotpBase32.Encode(secret);
        CryptographicOperations.ZeroMemory(secret);
        body["_embedded"] = new Dictionary<string, object>
        {
            ["activation"] = new Dictionary<string, object>
            {
                ["timeStep"] = settings.StepSeconds,
                ["sharedSecret"] = sharedSecret,
                ["encoding"] = "base32",
                ["keyLength"] = sharedSecret.Length,
                ["algorithm"] = Totp.Name(settings.Algorithm),
                ["digits"] = settings.Digits,
                ["otpauthUri"] = settings.OtpAuthUri(sharedSecret, user.Login, options.Value.TotpIssuer),
                ["expiresAt"] = factor.ActivationExpiresAt!.Value,
                ["_links"] = new Dictionary<string, object>
                {
                    ["qrcode"] = new Dictionary<string, string> { ["href"] = TotpQrCode.Link(request.Origin, factor, qrToken), ["type"] = "image/png" },
                },
            },
        };
        return new JsonBodyResult(body);
    }

    public async Task<IResult> ActivateAsync(Factor factor, User user, JsonElement body, string origin, CancellationToken ct)
    {
        var passCode = body.TryGetProperty("passCode", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (string.IsNullOrEmpty(passCode)) return Validation.Failed("passCode", "passCode: The field cannot be left blank");
        if (factor.ActivationExpiresAt is { } expires && expires <= clock.GetUtcNow())
            return Validation.Failed("factor", "The enrollment has expired. Enroll the factor again.");

        var result = await verifier.VerifyAsync(factor, passCode, null, ct);
        if (result != TotpResult.Valid)
            return new OktaErrorResult(403, OktaErrors.Create("E0000068", "Invalid Passcode/Answer",
                result == TotpResult.Locked ? "Too many wrong passcodes. Wait a few minutes and try again." : "Your passcode doesn't match our records. Please try again."));

        var now = clock.GetUtcNow();
        var activated = await db.Set<Factor>().Where(f => f.Id == factor.Id && f.Status == FactorStatus.PendingActivation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FactorStatus.Active)
                .SetProperty(f => f.ActivationHash, (byte[]?)null)
                .SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null)
                .SetProperty(f => f.LastUpdated, now), ct);
        if (activated == 0)
            return new OktaErrorResult(400, OktaErrors.Create("E0000001", "Api validation failed: factor", "The factor is already active"));
        factor.Status = FactorStatus.Active;
        factor.LastUpdated = now;
        await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorActivated, "Activate TOTP factor", factor, user), ct);

        var codes = await recoveryCodes.GenerateAsync(user, actor.Type, ct);
        var answer = Represent(factor, origin);
        answer["_embedded"] = new Dictionary<string, object> { ["recoveryCodes"] = codes };
        return new JsonBodyResult(answer);
    }

    public Dictionary<string, object?> Represent(Factor factor, string origin) => FactorRepresentation.Base(factor, origin);

    private static (TotpSettings? Settings, string? Provider, IResult? Problem) Read(JsonElement body)
    {
        var provider = body.TryGetProperty("provider", out var pv) && pv.ValueKind == JsonValueKind.String ? pv.GetString()!.ToUpperInvariant() : "GOOGLE";
        if (provider is not ("GOOGLE" or "OKTA")) return (null, null, Validation.Failed("provider", "provider: must be GOOGLE or OKTA for token:software:totp"));
        var settings = TotpSettings.Default;
        if (body.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object)
        {
            if (profile.TryGetProperty("algorithm", out var a))
            {
                if (Totp.Parse(a.ValueKind == JsonValueKind.String ? a.GetString() : "?") is not { } algorithm)
                    return (null, null, Validation.Failed("algorithm", "algorithm: must be SHA1, SHA256 or SHA512"));
                settings = settings with { Algorithm = algorithm };
            }
            if (profile.TryGetProperty("digits", out var d))
            {
                if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var digits) || digits is not (6 or 8))
                    return (null, null, Validation.Failed("digits", "digits: must be 6 or 8"));
                settings = settings with { Digits = digits };
            }
        }
        return (settings, provider, null);
    }

    private AuditEntry FactorAudit(string eventType, string message, Factor factor, User user) => new(eventType, Outcomes.Success, message)
    {
        ActorType = actor.Type, ActorId = actor.Id, ActorAlternateId = actor.AlternateId, TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType },
    };
}
