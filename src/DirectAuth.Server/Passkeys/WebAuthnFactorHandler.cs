using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// <c>webauthn</c> (provider <c>FIDO</c>) in the Factors API: enrolling answers PENDING_ACTIVATION with the
/// <c>PublicKeyCredentialCreationOptions</c> in <c>_embedded.activation</c>; activating with the authenticator's
/// <c>attestation</c> (attestationObject) and <c>clientData</c> (clientDataJSON) makes it ACTIVE with
/// <c>profile.credentialId</c>, <c>authenticatorName</c> and <c>aaguid</c>. A user may have several; each is
/// deleted on its own. The ceremony itself is <see cref="WebAuthnRegistration"/>, shared with self-service enrollment.
/// </summary>
public sealed class WebAuthnFactorHandler(WebAuthnRegistration registration, AuditLog audit, FactorChangeActor actor,
    RecoveryCodes.RecoveryCodeService recoveryCodes) : IFactorHandler
{
    public const string Provider = WebAuthnRegistration.Provider;

    public string FactorType => FactorTypes.Webauthn;

    public async Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct)
    {
        var body = request.Body;
        var provider = body.TryGetProperty("provider", out var pv) && pv.ValueKind == JsonValueKind.String ? pv.GetString()!.ToUpperInvariant() : Provider;
        if (provider != Provider) return Validation.Failed("provider", "provider: must be FIDO for webauthn");
        var name = WebAuthnRegistration.DefaultName;
        if (body.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object && profile.TryGetProperty("authenticatorName", out var n))
        {
            if (n.ValueKind != JsonValueKind.String || n.GetString()!.Trim() is not { Length: > 0 and <= 100 } trimmed)
                return Validation.Failed("authenticatorName", "authenticatorName: must be 1 to 100 characters");
            name = trimmed;
        }

        var user = request.User;
        var (factor, activation) = await registration.StartAsync(user, name, ct);
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
        var (credential, failure) = await registration.CompleteAsync(factor, user, attestation, clientData, ct);
        if (credential is null)
        {
            await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorActivated, "Activate passkey factor", factor, user) with
            {
                Outcome = Outcomes.Failure, Reason = failure!.Reason,
            }, ct);
            return Validation.Failed("attestation", failure.Message);
        }
        await audit.RecordAsync(FactorAudit(MfaEventTypes.FactorActivated, "Activate passkey factor", factor, user) with
        {
            Details = new Dictionary<string, string>
            {
                ["factorId"] = factor.Id, ["factorType"] = factor.FactorType, ["aaguid"] = credential.Aaguid, ["attestationFormat"] = credential.AttestationFormat,
            },
        }, ct);
        var answer = Represent(factor, origin);
        if (await recoveryCodes.FirstSetAsync(user, actor.Type, ct) is { } codes)
            answer["_embedded"] = new Dictionary<string, object> { ["recoveryCodes"] = codes };
        return new JsonBodyResult(answer);
    }

    public Dictionary<string, object?> Represent(Factor factor, string origin) => FactorRepresentation.Base(factor, origin);

    private AuditEntry FactorAudit(string eventType, string message, Factor factor, User user) => new(eventType, Outcomes.Success, message)
    {
        ActorType = actor.Type, ActorId = actor.Id, ActorAlternateId = actor.AlternateId, TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType },
    };
}
