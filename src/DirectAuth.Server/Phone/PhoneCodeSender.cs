using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>One code to send: where, how, why, and for whom (for the system log).</summary>
public sealed record PhoneCodeRequest(string Channel, string Phone, string Code, string Purpose, TimeSpan Lifetime)
{
    public string? UserId { get; init; }
    public string? UserLogin { get; init; }
    public string? FactorId { get; init; }
    public string? ClientId { get; init; }
}

/// <summary>What became of a send: sent, refused by the per-phone limits, or failed at the provider.</summary>
public sealed record PhoneSendOutcome(bool Sent, SendPermit Permit, string? Failure)
{
    public bool RateLimited => !Permit.Allowed;
}

/// <summary>
/// Sends a code to a phone: books the per-phone limits, words the message, hands it to the configured
/// <see cref="ISmsSender"/> or <see cref="IVoiceSender"/>, and records every outcome in the system log
/// (never the code).
/// </summary>
public sealed class PhoneCodeSender(
    PhoneSendLimiter limiter, PumpingGuard pumping, ISmsSender sms, IVoiceSender voice, AuditLog audit, TimeProvider clock, IOptions<DeliveryOptions> delivery,
    Observability.Telemetry.DirectAuthMetrics metrics)
{
    /// <summary>Books the per-phone limits, then delivers.</summary>
    public async Task<PhoneSendOutcome> SendAsync(PhoneCodeRequest request, CancellationToken ct)
    {
        var permit = await BookAsync(request.Phone, request, ct);
        if (!permit.Allowed) return new PhoneSendOutcome(false, permit, null);
        var result = await DeliverAsync(request, ct);
        return new PhoneSendOutcome(result.Delivered, permit, result.Failure);
    }

    /// <summary>
    /// Books a send under <paramref name="limitKey"/> (the phone, or a login's key): the allowed countries, the
    /// client address (sign-ins), the per-phone limits, then the number prefix and the day (SMS pumping
    /// defences, see PumpingGuard); a refusal is logged.
    /// </summary>
    public async Task<SendPermit> BookAsync(string limitKey, PhoneCodeRequest request, CancellationToken ct)
    {
        var permit = pumping.CountryRefusal(request.Phone)
            ?? (request.Purpose == CodePurposes.SignIn ? await pumping.CountAddressAsync(ct) : null)
            ?? await limiter.TryBookAsync(limitKey, ct);
        if (permit.Allowed) permit = await pumping.CountAsync(request.Phone, request.Channel, ct) ?? permit;
        if (!permit.Allowed)
            await audit.RecordAsync(Entry(request, PhoneEvents.SendRateLimited, Outcomes.Deny,
                permit.Pumping ? "Text or call refused by the SMS pumping defences" : "Text or call refused by the per-phone limits") with
            {
                Reason = permit.Reason,
                Severity = "WARN",
            }, ct);
        return permit;
    }

    /// <summary>Words the message and hands it to the provider; the outcome is logged. Call after a granted booking.</summary>
    public async Task<DeliveryResult> DeliverAsync(PhoneCodeRequest request, CancellationToken ct)
    {
        var sender = delivery.Value.SenderName;
        var message = new PhoneMessage
        {
            Id = "msg" + Secrets.NewId("")[..17],
            Channel = request.Channel,
            To = request.Phone,
            Code = request.Code,
            Text = request.Channel == Channels.Sms ? MessageText.Sms(sender, request.Code, request.Lifetime) : MessageText.Voice(sender, request.Code),
            Purpose = request.Purpose,
            UserId = request.UserId,
            ExpiresAt = clock.GetUtcNow() + request.Lifetime,
        };
        DeliveryResult result;
        using (Observability.Telemetry.DirectAuthActivities.Start("directauth.delivery")?.SetTag("directauth.channel", request.Channel).SetTag("directauth.provider", delivery.Value.Provider))
            result = request.Channel == Channels.Sms ? await sms.SendSmsAsync(message, ct) : await voice.CallAsync(message, ct);
        metrics.PhoneMessage(delivery.Value.Provider, request.Channel, result.Delivered);

        var eventType = PhoneEvents.SendEvent(request.Channel, request.Purpose);
        var what = request.Channel == Channels.Sms ? "Text message" : "Voice call";
        var entry = result.Delivered
            ? Entry(request, eventType, Outcomes.Success, $"{what} with a verification code sent")
            : Entry(request, eventType, Outcomes.Failure, $"{what} with a verification code could not be sent") with { Reason = result.Failure, Severity = "WARN" };
        var details = new Dictionary<string, string>(entry.Details!)
        {
            ["provider"] = delivery.Value.Provider, ["messageId"] = message.Id, ["attempts"] = result.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (result.ProviderMessageId is { } providerId) details["providerMessageId"] = providerId;
        await audit.RecordAsync(entry with { Details = details }, ct);
        return result;
    }

    private static AuditEntry Entry(PhoneCodeRequest request, string eventType, string outcome, string message) => new(eventType, outcome, message)
    {
        ActorId = request.UserId, ActorType = request.UserId is null ? null : "User", ActorAlternateId = request.UserLogin,
        ClientId = request.ClientId,
        TargetId = request.FactorId, TargetType = request.FactorId is null ? null : "Factor",
        Details = new Dictionary<string, string>
        {
            ["channel"] = request.Channel, ["purpose"] = request.Purpose, ["phone"] = request.Phone.Length == 0 ? "" : PhoneMask.Mask(request.Phone),
        },
    };
}
