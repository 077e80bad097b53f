namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// A sleeping phone's wake-up for a new push: what an APNs or FCM notification needs, and nothing more. The
/// push's details stay on the server; the woken app fetches them over its signed channel.
/// </summary>
/// <param name="Platform"><c>apns</c> or <c>fcm</c> (<see cref="Protocol.PushPlatforms"/>).</param>
/// <param name="Token">The device's push token.</param>
/// <param name="TransactionId">The push to fetch; null for a notice (nothing to fetch or answer).</param>
/// <param name="Title">"Sign-in request" (<see cref="Protocol.PushWakeKeys.Title"/>), or "Account change" for a notice.</param>
/// <param name="Body">The client app's name, or the notice's text.</param>
/// <param name="ExpiresAt">When the push expires: no wake-up is sent (or retried) after it.</param>
public sealed record PhoneWake(string FactorId, string UserId, string Platform, string Token, string? TransactionId, string Title, string Body, DateTimeOffset ExpiresAt)
{
    /// <summary>The wake-up for a device registered with APNs or FCM, else null (it has only its stream).</summary>
    public static PhoneWake? For(Authenticators.Factor device, string? transactionId, string title, string body, DateTimeOffset expiresAt) =>
        device is { PushPlatform: Protocol.PushPlatforms.Apns or Protocol.PushPlatforms.Fcm, PushToken: { } token }
            ? new PhoneWake(device.Id, device.UserId, device.PushPlatform, token, transactionId, title, body, expiresAt) : null;
}

/// <summary>
/// Wakes phones through their push service. Owned here so that the push providers (a separate folder) plug
/// into push without push knowing them. Queues and returns at once: a slow provider never holds up a sign-in.
/// </summary>
public interface IPhoneWaker
{
    void Wake(PhoneWake wake);
}

/// <summary>No push service configured: devices hear of pushes only on their open event stream.</summary>
public sealed class NoPhoneWaker : IPhoneWaker
{
    public void Wake(PhoneWake wake) { }
}
