namespace DirectAuth.Server.Delivery;

/// <summary>Sends a code by text message. One implementation per provider; <c>Delivery:Provider</c> picks it.</summary>
public interface ISmsSender
{
    Task<DeliveryResult> SendSmsAsync(PhoneMessage message, CancellationToken ct);
}

/// <summary>Reads a code out in a phone call. One implementation per provider; <c>Delivery:Provider</c> picks it.</summary>
public interface IVoiceSender
{
    Task<DeliveryResult> CallAsync(PhoneMessage message, CancellationToken ct);
}

/// <summary>Why a code is sent, as the webhook payload and the outbox spell it.</summary>
public static class CodePurposes
{
    /// <summary>Proving the phone while enrolling it (factor activation).</summary>
    public const string Enrollment = "enrollment";
    /// <summary>Signing in (primary factor or second factor).</summary>
    public const string SignIn = "sign_in";
    /// <summary>A notice without a code: a factor was added to or removed from the user's account.</summary>
    public const string Notice = "notice";
}

/// <summary>
/// One code on its way to a phone. <see cref="Text"/> is the whole text message, or the words the call
/// says; <see cref="Code"/> is there separately for providers that format it themselves (webhook) and for
/// the outbox, which stands in for the phone. Never log <see cref="Code"/> outside development.
/// </summary>
public sealed record PhoneMessage
{
    /// <summary>Unique per message and stable across retries, so a receiver can drop duplicates.</summary>
    public required string Id { get; init; }
    /// <summary><c>sms</c> or <c>voice</c>.</summary>
    public required string Channel { get; init; }
    /// <summary>E.164 phone number.</summary>
    public required string To { get; init; }
    public required string Code { get; init; }
    public required string Text { get; init; }
    /// <summary>See <see cref="CodePurposes"/>.</summary>
    public required string Purpose { get; init; }
    public string? UserId { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>What a provider made of a message: delivered (with the provider's id for it), or why not.</summary>
public sealed record DeliveryResult(bool Delivered, string? ProviderMessageId, string? Failure, int Attempts)
{
    public static DeliveryResult Success(string? providerMessageId, int attempts = 1) => new(true, providerMessageId, null, attempts);
    public static DeliveryResult Failed(string failure, int attempts) => new(false, null, failure, attempts);
}
