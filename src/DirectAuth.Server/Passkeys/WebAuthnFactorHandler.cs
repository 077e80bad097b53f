using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// <c>webauthn</c> (provider <c>FIDO</c>) in the Factors API: enrolling answers PENDING_ACTIVATION with the
/// <c>PublicKeyCredentialCreationOptions</c> in <c>_embedded.activation</c>; activating with the authenticator's
/// <c>attestation</c> (attestationObject) and <c>clientData</c> (clientDataJSON) makes it ACTIVE with
/// <c>profile.credentialId</c>, <c>authenticatorName</c> and <c>aaguid</c>. A user may have several; each is
/// deleted on its own. The ceremony itself is <see cref="WebAuthnRegistration"/>, shared with self-service enrollment.
/// </summary>
public sealed class WebAuthnFactorHandler(DirectAuthDb db, WebAuthnRegistration registration, TimeProvider clock, WebAuthnRelyingParty rp, AuditLog audit)
    : IFactorHandler
{
    public const string Provider = "FIDO";
    public const string DefaultName = "Passkey";

    public string FactorType => FactorTypes.Webauthn;

    public async Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct)
    {
        var body = request.Body;
        var provider = body.TryGetProperty("provider", out var pv) && pv.ValueKind == JsonValueKind.String ? pv.GetString()!.ToUpperInvariant() : Provider;
        if (provider != Provider) return Validation.Failed("provider", "provider: must be FIDO for webauthn");
        var name = DefaultName;
        if (body.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object && profile.TryGetProperty("authenticatorName", out var n))
        {
            if (n.ValueKind != JsonValueKind.String || n.GetString()!.Trim() is not { Length: > 0 and <= 100 } trimmed)
                return Validation.Failed("authenticatorName", "authenticatorName: must be 1 to 100 characters");
            name = trimmed;
        }

        var user = request.User;
        var now = clock.GetUtcNow();
        // Enrollments left pending past their challenge's life are dropped.
        await db.Set<Factor>().Where(f => f.UserId == user.Id && f.FactorType == FactorTypes.Webauthn && f.Status == FactorStatus.PendingActivation
            && f.ActivationExpiresAt <= now).ExecuteDeleteAsync(ct);
        var factor = new Factor
        {
            Id = Secrets.NewId("fwf"),
            UserId = user.Id,
            FactorType = FactorTypes.Webauthn,
            Provider = Provider,
            Status = FactorStatus.PendingActivation,
            Created = now,
            LastUpdated = now,
            Profile = JsonSerializer.Serialize(new Dictionary<string, string> { ["authenticatorName"] = name }),
            ActivationExpiresAt = now.AddSeconds(rp.Options.TimeoutSeconds),
        };
        db.Add(factor);
        await db.SaveChangesAsync(ct);
        db.Entry(factor).State = EntityState.Detached;
        var activation = await registration.BeginAsync(user, factor.Id, ct);
        await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorEnrolled, "Enroll passkey factor", factor, user), ct);

        var answer = Represent(factor, request.Origin);
        answer["_embedded"] = new Dictionary<string, object> { ["activation"] = activation };
        return new JsonBodyResult(answer);
    }

    public async Task<IResult> ActivateAsync(Factor factor, User user, JsonElement body, string origin, CancellationToken ct)
    {
        string? Text(string field) => body.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var attestation = Text("attestation");
        var clientData = Text("clientData");
        if (string.IsNullOrEmpty(attestation)) return Validation.Failed("attestation", "attestation: The field cannot be left blank");
        if (string.IsNullOrEmpty(clientData)) return Validation.Failed("clientData", "clientData: The field cannot be left blank");
        var name = factor.Profile is { } p && JsonDocument.Parse(p).RootElement.TryGetProperty("authenticatorName", out var n) ? n.GetString() ?? DefaultName : DefaultName;

        var (credential, failure) = await registration.FinishAsync(user, factor.Id, name, attestation, clientData, ct);
        if (credential is null)
        {
            await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorActivated, "Activate passkey factor", factor, user) with
            {
                Outcome = Outcomes.Failure, Reason = failure!.Reason,
            }, ct);
            return Validation.Failed("attestation", failure.Message);
        }

        var now = clock.GetUtcNow();
        var profile = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["credentialId"] = WebAuthnBase64.Encode(credential.CredentialId), ["authenticatorName"] = credential.Name, ["aaguid"] = credential.Aaguid,
        });
        await db.Set<Factor>().Where(f => f.Id == factor.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FactorStatus.Active)
                .SetProperty(f => f.Profile, profile)
                .SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null)
                .SetProperty(f => f.LastUpdated, now), ct);
        factor.Status = FactorStatus.Active;
        factor.Profile = profile;
        factor.LastUpdated = now;
        await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorActivated, "Activate passkey factor", factor, user) with
        {
            Details = new Dictionary<string, string>
            {
                ["factorId"] = factor.Id, ["factorType"] = factor.FactorType, ["aaguid"] = credential.Aaguid, ["attestationFormat"] = credential.AttestationFormat,
            },
        }, ct);
        return new JsonBodyResult(Represent(factor, origin));
    }

    public Dictionary<string, object?> Represent(Factor factor, string origin) => FactorRepresentation.Base(factor, origin);

    private static AuditEntry FactorAudit(string eventType, string message, Factor factor, User user) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType },
    };
}
