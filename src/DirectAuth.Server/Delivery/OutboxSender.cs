using DirectAuth.Server.Storage;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// The default provider: stores each message in <c>outbox_messages</c> and logs that it did. The log line
/// never carries the text or the code (read them over the management API); it names the number (in full
/// only in the Development environment, masked in any other) and the message id.
/// </summary>
public sealed class OutboxSender(
    DirectAuthDb db, TimeProvider clock, IOptions<DeliveryOptions> options, IHostEnvironment environment, ILogger<OutboxSender> logger)
    : ISmsSender, IVoiceSender
{
    public Task<DeliveryResult> SendSmsAsync(PhoneMessage message, CancellationToken ct) => StoreAsync(message, ct);

    public Task<DeliveryResult> CallAsync(PhoneMessage message, CancellationToken ct) => StoreAsync(message, ct);

    private async Task<DeliveryResult> StoreAsync(PhoneMessage message, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        db.Add(new OutboxMessage
        {
            Id = message.Id, Channel = message.Channel, Recipient = message.To, Text = message.Text, Code = message.Code,
            Purpose = message.Purpose, UserId = message.UserId, Created = now,
            DeleteAfter = now.AddMinutes(options.Value.Outbox.RetentionMinutes),
        });
        await db.SaveChangesAsync(ct);
        if (environment.IsDevelopment())
            logger.LogInformation("Outbox {Channel} to {Phone} ({Purpose}, {MessageId}); read it with 'directauth admin outbox'",
                message.Channel, message.To, message.Purpose, message.Id);
        else
            logger.LogInformation("Outbox {Channel} to {Phone} ({Purpose}, {MessageId}); read it with 'directauth admin outbox'",
                message.Channel, PhoneMask.Mask(message.To), message.Purpose, message.Id);
        return DeliveryResult.Success(message.Id);
    }
}

/// <summary>Phone numbers in logs and audit events show only the country prefix and the last digits.</summary>
public static class PhoneMask
{
    public static string Mask(string e164) =>
        e164.Length <= 6 ? new string('*', e164.Length) : e164[..3] + new string('*', e164.Length - 6) + e164[^3..];
}
