using DirectAuth.Protocol;

namespace DirectAuth.Client.Internal;

/// <summary>An out-of-band transaction as the server answered it: <c>/primary-authenticate</c> or <c>/challenge</c>.</summary>
internal sealed record OobTransaction(
    string OobCode, string? MfaToken, Factor Factor, string BindingMethod, string? BindingCode, DateTimeOffset ExpiresAt, TimeSpan Interval)
{
    // Okta's documented defaults, for servers that leave the optional fields out.
    private const int DefaultExpiresIn = 300;
    private const int DefaultInterval = 5;

    public static OobTransaction? Read(WireResponse response, string? mfaToken, Factor requested, DateTimeOffset now)
    {
        var oobCode = response.String(Parameters.OobCode);
        if (string.IsNullOrEmpty(oobCode)) return null;
        var factor = response.String("channel") switch
        {
            Channels.Push => Factor.Push,
            Channels.Sms => Factor.Sms,
            Channels.Voice => Factor.Voice,
            _ => requested,
        };
        var bindingMethod = response.String(Parameters.BindingMethod)
            ?? (factor is Factor.Sms or Factor.Voice ? BindingMethods.Prompt : BindingMethods.None);
        var expiresIn = Math.Clamp(response.Integer("expires_in") ?? DefaultExpiresIn, 1, 3600);
        var interval = Math.Clamp(response.Integer("interval") ?? DefaultInterval, 1, 600);
        var bindingCode = response.String(Parameters.BindingCode);
        var destination = response.String(Parameters.Destination);
        return new OobTransaction(oobCode, mfaToken, factor, bindingMethod, string.IsNullOrEmpty(bindingCode) ? null : bindingCode,
            now.AddSeconds(expiresIn), TimeSpan.FromSeconds(interval))
        {
            // Shown to the user as it is: bounded, and without control characters a server could slip in.
            Destination = destination is { Length: > 0 and <= 64 } && !destination.Any(char.IsControl) ? destination : null,
        };
    }

    /// <summary>SMS and voice: where the code went, masked (<c>destination</c>, DirectAuth only).</summary>
    public string? Destination { get; init; }

    public string GrantType => MfaToken is null ? GrantTypes.Oob : GrantTypes.MfaOob;
}
