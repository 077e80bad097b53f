using System.Diagnostics;
using System.Globalization;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.OutOfBand;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>The <c>sms</c> out-of-band channel: the code by text message to the user's <c>sms</c> factor (amr <c>sms</c>).</summary>
public sealed class SmsChannel(PhoneCodeSender sender, AuditLog audit, TimeProvider clock, IOptions<PhoneOptions> options, SendLatency latency,
    PhoneDestinations destinations)
    : PhoneChannel(sender, audit, clock, options, latency, destinations)
{
    public override string Channel => Channels.Sms;
    public override string FactorType => FactorTypes.Sms;
    public override IReadOnlyList<string> Amr { get; } = ["sms"];
}

/// <summary>The <c>voice</c> out-of-band channel: the code read out in a call to the user's <c>call</c> factor (amr <c>tel</c>).</summary>
public sealed class VoiceChannel(PhoneCodeSender sender, AuditLog audit, TimeProvider clock, IOptions<PhoneOptions> options, SendLatency latency,
    PhoneDestinations destinations)
    : PhoneChannel(sender, audit, clock, options, latency, destinations)
{
    public override string Channel => Channels.Voice;
    public override string FactorType => FactorTypes.Call;
    public override IReadOnlyList<string> Amr { get; } = ["tel"];
}

/// <summary>
/// SMS and voice as out-of-band channels (<c>binding_method=prompt</c>): binding picks a six-digit code and
/// books the per-phone limits, delivery sends it, and the client sends it back once as <c>binding_code</c>.
/// The core seals the code with the transaction, expires it with the <c>oob_code</c> and counts wrong tries.
/// A decoy (unknown login, or no phone of this kind) is limited under its login instead of a phone, so it
/// is refused exactly when a real user would be; it is never delivered. The answer names where the code went
/// (<see cref="PhoneDestinations"/>).
/// </summary>
public abstract class PhoneChannel(
    PhoneCodeSender sender, AuditLog audit, TimeProvider clock, IOptions<PhoneOptions> options, SendLatency latency, PhoneDestinations destinations)
    : IOobChannel
{
    public abstract string Channel { get; }
    public abstract string FactorType { get; }
    public abstract IReadOnlyList<string> Amr { get; }

    public async Task<OobBinding> BindAsync(OobStart start, CancellationToken ct)
    {
        var code = PhoneCodes.NewCode();
        var request = Request(start, code);
        var permit = await sender.BookAsync(request.Phone.Length > 0 ? request.Phone : "login:" + start.Transaction.LoginKey, request, ct);
        if (permit.Allowed)
            return new OobBinding(BindingMethods.Prompt, code)
            {
                Destination = request.Phone.Length > 0 ? destinations.For(request.Phone) : destinations.Decoy(start.Transaction.LoginKey),
            };
        var wait = Math.Max(1, (int)Math.Ceiling((permit.RetryAt - clock.GetUtcNow()).TotalSeconds));
        // Refused by an SMS pumping defence: answered like a delivery that cannot be made (decoys alike).
        if (permit.Pumping) return OobBinding.Refuse(Undeliverable(permit.Refusal == SendRefusal.CountryNotAllowed ? options.Value.ResendSeconds : wait));
        return OobBinding.Refuse(new OAuthError(429, Errors.InvalidGrant, "API call exceeded rate limit due to too many requests.")
        {
            Headers = PhoneApiErrors.RateLimitHeaders(permit, wait),
        });
    }

    public async Task<OAuthError?> DeliverAsync(OobStart start, OobBinding binding, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (start.Factor is null) return await WithholdAsync(start, binding, started, ct);
        var outcome = await sender.DeliverAsync(Request(start, binding.Code!), ct);
        latency.Record(Channel, Stopwatch.GetElapsedTime(started));
        return outcome.Delivered ? null : Undeliverable(options.Value.ResendSeconds);
    }

    private OAuthError Undeliverable(int retryAfterSeconds) => new(503, Errors.ServerError, Channel == Channels.Sms
        ? "The text message with the code could not be sent. Try again later."
        : "The call with the code could not be made. Try again later.")
    {
        Headers = new Dictionary<string, string> { ["Retry-After"] = Math.Max(1, retryAfterSeconds).ToString(CultureInfo.InvariantCulture) },
    };

    /// <summary>
    /// A decoy: nothing is sent, but the message is worded and the system log written as for a send, and the
    /// answer waits as long as the provider has recently taken for a real send (<see cref="SendLatency"/>), so
    /// a known login is not slower than an unknown one, whatever the provider (issue 16 item 8).
    /// </summary>
    private async Task<OAuthError?> WithholdAsync(OobStart start, OobBinding binding, long started, CancellationToken ct)
    {
        var request = Request(start, binding.Code!);
        _ = Channel == Channels.Sms ? MessageText.Sms("DirectAuth", request.Code, request.Lifetime) : MessageText.Voice("DirectAuth", request.Code);
        await audit.RecordAsync(new AuditEntry(PhoneEvents.SendEvent(Channel, CodePurposes.SignIn), Outcomes.Failure,
            Channel == Channels.Sms ? "Text message with a verification code not sent" : "Voice call with a verification code not made")
        {
            Reason = "NO_PHONE_FOR_LOGIN", ActorType = "User", ClientId = start.Client.ClientId, TargetId = start.Transaction.Id, TargetType = "OobTransaction",
            Details = new Dictionary<string, string> { ["channel"] = Channel, ["oobTransaction"] = start.Transaction.Id },
        }, ct);
        await latency.PadAsync(Channel, started, ct);
        return null;
    }

    public async Task<bool> VerifyBindingCodeAsync(OobTransaction transaction, string expectedCode, string presented, CancellationToken ct)
    {
        var right = OobBindingCodes.Matches(expectedCode, presented.Trim());
        await audit.RecordAsync(new AuditEntry(PhoneEvents.CodeVerified, right ? Outcomes.Success : Outcomes.Failure,
            right ? "Verification code accepted" : "Wrong verification code")
        {
            Reason = right ? null : "WRONG_CODE",
            ActorId = transaction.UserId, ActorType = "User", ClientId = transaction.ClientId, TargetId = transaction.FactorId, TargetType = "Factor",
            Details = new Dictionary<string, string>
            {
                ["channel"] = Channel, ["oobTransaction"] = transaction.Id,
                ["attempt"] = (transaction.FailedAttempts + 1).ToString(CultureInfo.InvariantCulture),
            },
        }, ct);
        return right;
    }

    private PhoneCodeRequest Request(OobStart start, string code) =>
        new(Channel, start.Factor is null ? "" : PhoneFactorHandler.PhoneOf(start.Factor), code, CodePurposes.SignIn,
            start.Transaction.ExpiresAt - start.Transaction.Created)
        {
            UserId = start.User?.Id, UserLogin = start.User?.Login, FactorId = start.Factor?.Id, ClientId = start.Client.ClientId,
        };
}
