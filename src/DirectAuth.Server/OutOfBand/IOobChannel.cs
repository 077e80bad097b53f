using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// One out-of-band channel: <c>push</c> (the authenticator app, <c>Push/PushChannel</c>), <c>sms</c> or
/// <c>voice</c>. The core (<see cref="OobStarter"/>, <see cref="OobPolling"/>) owns the transaction — handle,
/// lifetime, status, polling, attempt counting, sealing the binding code; a channel decides the binding and
/// delivers. Register with <c>AddScoped&lt;IOobChannel, T&gt;()</c>; <c>channel_hint</c> picks it by <see cref="Channel"/>.
/// </summary>
public interface IOobChannel
{
    /// <summary>The <c>channel_hint</c> / <c>channel</c> value, see <see cref="Channels"/>.</summary>
    string Channel { get; }

    /// <summary>The factor type a user must have ACTIVE to use this channel (<see cref="FactorTypes"/>).</summary>
    string FactorType { get; }

    /// <summary>RFC 8176 <c>amr</c> values a completed transaction proves (push: <c>swk</c>, SMS: <c>sms</c>, voice: <c>tel</c>).</summary>
    IReadOnlyList<string> Amr { get; }

    /// <summary>
    /// Chooses the binding of a new transaction before it is stored: <c>none</c>, <c>transfer</c> with a code the
    /// client shows, or <c>prompt</c> with the code the user will receive; or refuses (e.g. a per-user limit).
    /// Called for decoys too (<see cref="OobStart.User"/> null): answer exactly as for a real user whose
    /// history is unknown, so the response does not reveal whether the user exists.
    /// </summary>
    Task<OobBinding> BindAsync(OobStart start, CancellationToken ct);

    /// <summary>
    /// Delivers a stored transaction: notify the device, send the SMS, place the call. Returns an error when
    /// delivery failed; the core then denies the transaction and answers the error. Also called for a decoy
    /// (<see cref="OobStart.User"/> null), which must deliver nothing but do the same kind of work (the same
    /// bus message to no one, the same system log write) and return null: the work must not tell them apart.
    /// Keep it quick (queue slow work), or its latency tells apart real users from decoys.
    /// </summary>
    Task<OAuthError?> DeliverAsync(OobStart start, OobBinding binding, CancellationToken ct);

    /// <summary>
    /// <c>prompt</c> only: does the <c>binding_code</c> the client sent complete the transaction? The core has
    /// unsealed the expected code and counts wrong tries; use <see cref="OobBindingCodes.Matches"/> (constant time).
    /// </summary>
    Task<bool> VerifyBindingCodeAsync(OobTransaction transaction, string expectedCode, string presented, CancellationToken ct);
}

/// <summary>What a channel is given to bind and deliver a transaction.</summary>
/// <param name="Transaction">The new transaction (not yet stored in <c>BindAsync</c>, stored in <c>DeliverAsync</c>).</param>
/// <param name="User">The user, or null for a decoy.</param>
/// <param name="Factor">The user's ACTIVE factor of <see cref="IOobChannel.FactorType"/>, or null for a decoy.</param>
public sealed record OobStart(OAuthContext Context, Application Client, OobTransaction Transaction, User? User, Factor? Factor)
{
    /// <summary>The push number challenge mode of the app policy's rule for the user (<c>never</c>, <c>always</c>, <c>risky</c>).</summary>
    public string NumberChallengeMode { get; init; } = Policies.PolicyDefaults.NumberChallenge;
}

/// <summary>The binding a channel chose for a transaction, or its refusal to start one.</summary>
/// <param name="Method"><c>none</c>, <c>transfer</c> or <c>prompt</c> (<see cref="BindingMethods"/>).</param>
/// <param name="Code">The binding code: shown by the client (<c>transfer</c>) or sent to the user (<c>prompt</c>).</param>
/// <param name="Choices">Push <c>transfer</c> with the pick style: the three numbers the app shows, one of them <paramref name="Code"/>.</param>
public sealed record OobBinding(string Method, string? Code = null, IReadOnlyList<string>? Choices = null)
{
    /// <summary>Set when the channel refuses to start a transaction; the client gets this error.</summary>
    public OAuthError? Refusal { get; init; }

    /// <summary>
    /// <c>prompt</c>: where the code went, masked (<c>+1 ••• ••• 0123</c>); the answer's <c>destination</c>, a DirectAuth
    /// extension Okta's clients ignore. Never stored: it is read from the factor when the transaction starts.
    /// </summary>
    public string? Destination { get; init; }

    public static OobBinding Refuse(OAuthError error) => new(BindingMethods.None) { Refusal = error };
}
