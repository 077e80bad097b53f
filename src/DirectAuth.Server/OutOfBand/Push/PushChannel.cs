using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// The <c>push</c> channel: a push to the user's authenticator app over its live event stream, and a wake-up
/// through APNs or FCM for a phone registered with one (<see cref="IPhoneWaker"/>). Binding is
/// <c>none</c> or, with a number challenge (<see cref="NumberChallenge"/>), <c>transfer</c>: the client shows
/// <c>binding_code</c> and the user picks it among three numbers in the app (two digits, as Okta Verify), or
/// types it (six digits, style <c>type</c>).
/// </summary>
public sealed class PushChannel(PushLimits limits, NumberChallenge numberChallenge, IPushBus bus, IPhoneWaker waker, IOptions<OutOfBandOptions> options) : IOobChannel
{
    public string Channel => Channels.Push;

    public string FactorType => FactorTypes.Push;

    /// <summary>Proof of possession of a software-secured key (RFC 8176 <c>swk</c>): the device's signature.</summary>
    public IReadOnlyList<string> Amr { get; } = ["swk"];

    public async Task<OobBinding> BindAsync(OobStart start, CancellationToken ct)
    {
        if (await limits.CheckAsync(start.Transaction.LoginKey, ct) is { } limited) return OobBinding.Refuse(limited);
        if (!await numberChallenge.RequiredAsync(start, ct)) return new OobBinding(BindingMethods.None);
        if (options.Value.Push.NumberChallengeStyle == NumberChallengeStyles.Type)
            return new OobBinding(BindingMethods.Transfer, OobBindingCodes.NewCode(6));
        var code = OobBindingCodes.NewCode(2);
        return new OobBinding(BindingMethods.Transfer, code, OobBindingCodes.Choices(code));
    }

    public async Task<OAuthError?> DeliverAsync(OobStart start, OobBinding binding, CancellationToken ct)
    {
        // A decoy's signal names no factor, so no device gets it; publishing it keeps the work the same.
        await bus.PublishAsync(new PushCreated(start.Factor?.Id ?? "", start.Transaction.Seq), ct);
        if (start.Factor is { } factor && PhoneWake.For(factor, start.Transaction.Id, PushWakeKeys.Title, start.Client.Name, start.Transaction.ExpiresAt) is { } wake)
            waker.Wake(wake);
        return null;
    }

    /// <summary>Push is never <c>prompt</c>: the client does not send a binding code.</summary>
    public Task<bool> VerifyBindingCodeAsync(OobTransaction transaction, string expectedCode, string presented, CancellationToken ct) =>
        Task.FromResult(false);
}
