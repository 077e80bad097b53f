using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// A message for the user on their push devices (a factor was added or removed): a <c>notice</c> event on the
/// streams connected now, and a notification through APNs/FCM for a phone registered with one (not stored, so a
/// phone that is neither connected nor registered does not see it).
/// </summary>
public sealed class PushNotices(IPushBus bus, IPhoneWaker waker, TimeProvider clock)
{
    /// <summary>A notice is worth showing for a day; no wake-up is retried after that.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public async Task SendAsync(Factor device, string text, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await bus.PublishAsync(new PushNoticed(device.Id, text, now), ct);
        if (PhoneWake.For(device, null, PushWakeKeys.NoticeTitle, text, now + Lifetime) is { } wake) waker.Wake(wake);
    }
}
