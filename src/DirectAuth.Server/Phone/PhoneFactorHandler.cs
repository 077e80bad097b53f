using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>Okta factor type <c>sms</c>: codes by text message.</summary>
public sealed class SmsFactorHandler(PhoneFactorServices services) : PhoneFactorHandler(services)
{
    public override string FactorType => FactorTypes.Sms;
    public override string Channel => Channels.Sms;
    protected override string IdPrefix => "mbl";
}

/// <summary>Okta factor type <c>call</c>: codes read out in a voice call.</summary>
public sealed class CallFactorHandler(PhoneFactorServices services) : PhoneFactorHandler(services)
{
    public override string FactorType => FactorTypes.Call;
    public override string Channel => Channels.Voice;
    protected override string IdPrefix => "clf";
}

/// <summary>What the phone factor handlers need, in one scoped bundle.</summary>
public sealed record PhoneFactorServices(
    DirectAuthDb Db, PhoneCodes Codes, PhoneCodeSender Sender, AuditLog Audit, TimeProvider Clock, IOptions<PhoneOptions> Options, FactorChangeActor Actor,
    RecoveryCodes.RecoveryCodeService RecoveryCodes);

/// <summary>
/// Enrollment of a phone factor over the Factors API, Okta-shaped: <c>POST /users/{id}/factors</c> with
/// <c>{"factorType":"sms","provider":"OKTA","profile":{"phoneNumber":"+14155552671"}}</c> sends a six-digit
/// activation code to the phone and answers the factor PENDING_ACTIVATION; <c>lifecycle/activate</c> with
/// <c>{"passCode":"123456"}</c> activates it; <c>.../resend</c> sends a new code. The code is kept as a keyed
/// hash in <c>factors.activation_hash</c>, expires after <c>Phone:ActivationLifetimeSeconds</c> and allows
/// <c>Phone:MaxAttempts</c> wrong tries.
/// </summary>
public abstract class PhoneFactorHandler(PhoneFactorServices s) : IFactorHandler
{
    public abstract string FactorType { get; }
    /// <summary>The OOB channel this factor answers: <c>sms</c> or <c>voice</c>.</summary>
    public abstract string Channel { get; }
    protected abstract string IdPrefix { get; }

    public async Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct)
    {
        var body = request.Body;
        if (body.TryGetProperty("provider", out var provider) && (provider.ValueKind != JsonValueKind.String || provider.GetString() != "OKTA"))
            return Validation.Failed("provider", $"provider: Must be OKTA for {FactorType} factors");
        var phone = body.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
            && profile.TryGetProperty("phoneNumber", out var number) && number.ValueKind == JsonValueKind.String
            ? PhoneNumber.Normalize(number.GetString(), s.Options.Value.DefaultRegion) : null;
        if (phone is null) return Validation.Failed("factorEnrollRequest", "phoneNumber: " + PhoneNumber.RuleFor(s.Options.Value.DefaultRegion));

        var user = request.User;
        var existing = await s.Db.Set<Factor>().Where(f => f.UserId == user.Id && f.FactorType == FactorType).ToListAsync(ct);
        if (existing.Any(f => f.Status == FactorStatus.Active))
            return Validation.Failed("factorEnrollRequest", $"A {FactorType} factor is already set up for this user; delete it first to change the number.");

        var now = s.Clock.GetUtcNow();
        var factor = new Factor
        {
            Id = Secrets.NewId(IdPrefix), UserId = user.Id, FactorType = FactorType, Provider = "OKTA", Status = FactorStatus.PendingActivation,
            Created = now, LastUpdated = now, Profile = JsonSerializer.Serialize(new { phoneNumber = phone }),
        };
        var code = PhoneCodes.NewCode();
        if (await SendActivationAsync(factor, user, phone, code, ct) is { } failed) return failed;

        // A pending enrollment of the same type is replaced: the user may have mistyped the number.
        s.Db.RemoveRange(existing);
        factor.ActivationHash = s.Codes.Hash(factor.Id, code);
        factor.ActivationExpiresAt = now.AddSeconds(s.Options.Value.ActivationLifetimeSeconds);
        s.Db.Add(factor);
        await s.Db.SaveChangesAsync(ct);
        await s.Audit.RecordAsync(Audit(PhoneEvents.FactorEnrolled, Outcomes.Success, $"{FactorType} factor enrolled, activation code sent", user, factor), ct);
        return new JsonBodyResult(Represent(factor, request.Origin));
    }

    /// <summary>Sends a new activation code for a pending factor (Okta's <c>POST .../factors/{id}/resend</c>).</summary>
    public async Task<IResult> ResendAsync(Factor factor, User user, string origin, CancellationToken ct)
    {
        var code = PhoneCodes.NewCode();
        if (await SendActivationAsync(factor, user, PhoneOf(factor), code, ct) is { } failed) return failed;
        var now = s.Clock.GetUtcNow();
        var expires = now.AddSeconds(s.Options.Value.ActivationLifetimeSeconds);
        var hash = s.Codes.Hash(factor.Id, code);
        await s.Db.Set<Factor>().Where(f => f.Id == factor.Id && f.Status == FactorStatus.PendingActivation).ExecuteUpdateAsync(u => u
            .SetProperty(f => f.ActivationHash, hash).SetProperty(f => f.ActivationExpiresAt, expires)
            .SetProperty(f => f.FailedAttempts, 0).SetProperty(f => f.LastUpdated, now), ct);
        return new JsonBodyResult(Represent(await ReloadAsync(factor.Id, ct), origin));
    }

    public async Task<IResult> ActivateAsync(Factor factor, User user, JsonElement body, string origin, CancellationToken ct)
    {
        var passCode = body.TryGetProperty("passCode", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (string.IsNullOrWhiteSpace(passCode)) return Validation.Failed("passCode", "passCode: The field cannot be left blank");

        var max = s.Options.Value.MaxAttempts;
        var now = s.Clock.GetUtcNow();
        if (factor.ActivationHash is null || factor.FailedAttempts >= max)
            return await RefuseAsync(user, factor, "NO_ATTEMPTS_LEFT", PhoneApiErrors.NoAttemptsLeft, ct);
        if (factor.ActivationExpiresAt is not { } expires || expires <= now)
            return await RefuseAsync(user, factor, "EXPIRED", PhoneApiErrors.ExpiredCode, ct);

        // Book the attempt before comparing, in one conditional UPDATE: parallel guesses cannot exceed the limit.
        var factors = s.Db.Set<Factor>();
        var booked = await factors.Where(f => f.Id == factor.Id && f.Status == FactorStatus.PendingActivation && f.ActivationHash != null && f.FailedAttempts < max)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.FailedAttempts, f => f.FailedAttempts + 1), ct);
        if (booked == 0) return await RefuseAsync(user, factor, "NO_ATTEMPTS_LEFT", PhoneApiErrors.NoAttemptsLeft, ct);

        if (!s.Codes.Matches(factor.Id, passCode, factor.ActivationHash))
            return await RefuseAsync(user, factor, "WRONG_CODE", PhoneApiErrors.WrongCode, ct);

        var activated = await factors.Where(f => f.Id == factor.Id && f.Status == FactorStatus.PendingActivation).ExecuteUpdateAsync(u => u
            .SetProperty(f => f.Status, FactorStatus.Active).SetProperty(f => f.ActivationHash, (byte[]?)null)
            .SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null).SetProperty(f => f.FailedAttempts, 0)
            .SetProperty(f => f.LastUpdated, now), ct);
        if (activated == 0)
            return new OktaErrorResult(400, OktaErrors.Create("E0000001", "Api validation failed: factor", "The factor is already active"));
        await s.Audit.RecordAsync(Audit(PhoneEvents.FactorActivated, Outcomes.Success, $"{FactorType} factor activated", user, factor), ct);
        var answer = Represent(await ReloadAsync(factor.Id, ct), origin);
        if (await s.RecoveryCodes.FirstSetAsync(user, s.Actor.Type, ct) is { } codes)
            answer["_embedded"] = new Dictionary<string, object> { ["recoveryCodes"] = codes };
        return new JsonBodyResult(answer);
    }

    public Dictionary<string, object?> Represent(Factor factor, string origin)
    {
        var representation = FactorRepresentation.Base(factor, origin);
        if (factor.Status == FactorStatus.PendingActivation && representation["_links"] is Dictionary<string, object> links)
            links["resend"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = FactorType, ["href"] = $"{origin}/api/v1/users/{factor.UserId}/factors/{factor.Id}/resend",
                    ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["POST"] },
                },
            };
        return representation;
    }

    /// <summary>The E.164 number of an enrolled phone factor.</summary>
    public static string PhoneOf(Factor factor) =>
        JsonDocument.Parse(factor.Profile ?? "{}").RootElement.TryGetProperty("phoneNumber", out var n) ? n.GetString() ?? "" : "";

    private async Task<IResult?> SendActivationAsync(Factor factor, User user, string phone, string code, CancellationToken ct)
    {
        var lifetime = TimeSpan.FromSeconds(s.Options.Value.ActivationLifetimeSeconds);
        var outcome = await s.Sender.SendAsync(new PhoneCodeRequest(Channel, phone, code, CodePurposes.Enrollment, lifetime)
        {
            UserId = user.Id, UserLogin = user.Login, FactorId = factor.Id,
        }, ct);
        if (outcome.RateLimited)
            return outcome.Permit.Pumping ? PhoneApiErrors.DeliveryFailed(Channel) : PhoneApiErrors.RateLimited(Channel, outcome.Permit, s.Clock.GetUtcNow());
        return outcome.Sent ? null : PhoneApiErrors.DeliveryFailed(Channel);
    }

    private async Task<IResult> RefuseAsync(User user, Factor factor, string reason, string cause, CancellationToken ct)
    {
        await s.Audit.RecordAsync(Audit(PhoneEvents.FactorActivated, Outcomes.Failure, $"{FactorType} factor activation refused", user, factor) with
        {
            Reason = reason, Severity = reason == "NO_ATTEMPTS_LEFT" ? "WARN" : "INFO",
        }, ct);
        return PhoneApiErrors.InvalidPasscode(cause);
    }

    private Task<Factor> ReloadAsync(string id, CancellationToken ct) => s.Db.Set<Factor>().AsNoTracking().FirstAsync(f => f.Id == id, ct);

    private AuditEntry Audit(string eventType, string outcome, string message, User user, Factor factor) => new(eventType, outcome, message)
    {
        ActorType = s.Actor.Type, ActorId = s.Actor.Id, ActorAlternateId = s.Actor.AlternateId, TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = FactorType },
    };
}
