using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Phone;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Tells the user that a factor was added to or removed from their account, on a channel they had before the
/// change: a text message to a verified phone (an active <c>sms</c> factor), else a call to an active <c>call</c>
/// factor, through the configured delivery provider (outbox, webhook, Twilio); else a <c>notice</c> event to their
/// push devices connected at that moment (not stored: a device that is not connected does not see it). The factor that
/// changed is never the channel. A user with no such channel is not told; either way the system log says what happened
/// (<see cref="EventTypes.FactorChangeNotified"/>). A failed delivery never undoes the change.
/// </summary>
public sealed class FactorChangeNotifier(
    DirectAuthDb db, ISmsSender sms, IVoiceSender voice, AuditLog audit, TimeProvider clock,
    IOptions<DeliveryOptions> delivery, IOptions<MyAccountOptions> options, OutOfBand.Push.IPushBus pushBus)
{
    public async Task NotifyAsync(User user, string clientId, Factor changed, bool added, CancellationToken ct)
    {
        if (!options.Value.NotifyFactorChanges) return;
        var phones = await db.Set<Factor>().AsNoTracking()
            .Where(f => f.UserId == user.Id && f.Id != changed.Id && f.Status == FactorStatus.Active
                && (f.FactorType == FactorTypes.Sms || f.FactorType == FactorTypes.Call || f.FactorType == FactorTypes.Push))
            .ToListAsync(ct);
        var channel = phones.Where(f => f.FactorType != FactorTypes.Push)
            .OrderBy(f => f.FactorType == FactorTypes.Sms ? 0 : 1).ThenBy(f => f.Created).FirstOrDefault();
        var devices = phones.Where(f => f.FactorType == FactorTypes.Push).ToList();
        var entry = new AuditEntry(EventTypes.FactorChangeNotified, Outcomes.Success, "User told about a factor change")
        {
            ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = clientId,
            TargetId = changed.Id, TargetType = "Factor",
        };
        var details = new Dictionary<string, string> { ["factorType"] = changed.FactorType, ["change"] = added ? "added" : "removed" };
        if (channel is null && devices.Count > 0)
        {
            var notice = Text(delivery.Value.SenderName, changed.FactorType, added);
            foreach (var device in devices)
                await pushBus.PublishAsync(new OutOfBand.Push.PushNoticed(device.Id, notice, clock.GetUtcNow()), ct);
            details["channel"] = "push";
            details["devices"] = devices.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await audit.RecordAsync(entry with { Details = details }, ct);
            return;
        }
        if (channel is null)
        {
            await audit.RecordAsync(entry with { Outcome = Outcomes.Failure, Reason = "NO_CHANNEL", Message = "User not told about a factor change: no verified phone or push device", Details = details }, ct);
            return;
        }

        var isSms = channel.FactorType == FactorTypes.Sms;
        var phone = PhoneFactorHandler.PhoneOf(channel);
        var text = Text(delivery.Value.SenderName, changed.FactorType, added);
        var message = new PhoneMessage
        {
            Id = "msg" + Secrets.NewId("")[..17], Channel = isSms ? Channels.Sms : Channels.Voice, To = phone, Code = "", Text = text,
            Purpose = CodePurposes.Notice, UserId = user.Id, ExpiresAt = clock.GetUtcNow().AddMinutes(10),
        };
        DeliveryResult result;
        try
        {
            result = isSms ? await sms.SendSmsAsync(message, ct) : await voice.CallAsync(message, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            result = DeliveryResult.Failed(e.GetType().Name, 1);
        }
        details["channel"] = message.Channel;
        details["phone"] = PhoneMask.Mask(phone);
        details["messageId"] = message.Id;
        await audit.RecordAsync(result.Delivered
            ? entry with { Details = details }
            : entry with { Outcome = Outcomes.Failure, Reason = result.Failure, Severity = "WARN", Message = "User could not be told about a factor change", Details = details }, ct);
    }

    /// <summary>The notice: what changed, and what to do when it was not the user.</summary>
    public static string Text(string sender, string factorType, bool added) =>
        $"{sender}: {Describe(factorType)} was {(added ? "added to" : "removed from")} your account. If this was not you, contact your administrator now.";

    private static string Describe(string factorType) => factorType switch
    {
        FactorTypes.Totp => "an authenticator app (TOTP)",
        FactorTypes.Push => "a push device",
        FactorTypes.Sms => "a phone for text messages",
        FactorTypes.Call => "a phone for voice calls",
        FactorTypes.Webauthn => "a passkey",
        "recovery_codes" => "a new set of recovery codes",
        _ => "an authenticator",
    };
}
