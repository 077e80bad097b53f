using System.Net;
using System.Text.Json.Serialization;
using DirectAuth.Protocol;

namespace DirectAuth.Authenticator;

/// <summary>A push factor this device activated: what the app keeps (no secret: the key stays in the <see cref="IDeviceKeyStore"/> under <see cref="KeyAlias"/>).</summary>
public sealed record DeviceAccount
{
    /// <summary>The server's origin, e.g. <c>https://login.example.com</c>.</summary>
    [JsonPropertyName("server")] public required string Server { get; init; }
    /// <summary>The factor id: the <c>kid</c> of every signed request and the <c>factorId</c> of a wake-up.</summary>
    [JsonPropertyName("factorId")] public required string FactorId { get; init; }
    /// <summary>The user's id on the server.</summary>
    [JsonPropertyName("userId")] public required string UserId { get; init; }
    /// <summary>The user's login, to show.</summary>
    [JsonPropertyName("login")] public required string Login { get; init; }
    /// <summary>The name the device gave itself at activation.</summary>
    [JsonPropertyName("deviceName")] public string? DeviceName { get; init; }
    /// <summary>The alias of the device key in the key store.</summary>
    [JsonPropertyName("keyAlias")] public required string KeyAlias { get; init; }
    /// <summary>How the server wakes the device (<see cref="PushPlatforms"/>).</summary>
    [JsonPropertyName("platform")] public string Platform { get; init; } = PushPlatforms.Sse;
    /// <summary>When it was activated.</summary>
    [JsonPropertyName("activated")] public DateTimeOffset Activated { get; init; }
}

/// <summary>What the device hears on its event stream.</summary>
public abstract record DeviceEvent;
/// <summary>A push; <see cref="EventId"/> is what the stream resumes after.</summary>
public sealed record PushReceived(PushNotification Push, string? EventId) : DeviceEvent;
/// <summary>A push ended (answered here or elsewhere, or denied by the server).</summary>
public sealed record PushResolved(PushResolution Resolution) : DeviceEvent;
/// <summary>A message for the user (a factor was added to or removed from the account).</summary>
public sealed record NoticeReceived(PushNotice Notice) : DeviceEvent;
/// <summary>The stream is open (again); <see cref="Resumed"/> when it picked up after a known event id.</summary>
public sealed record StreamConnected(bool Resumed) : DeviceEvent;
/// <summary>The stream dropped; it reconnects after <see cref="RetryIn"/>.</summary>
public sealed record StreamLost(string Reason, TimeSpan RetryIn) : DeviceEvent;

/// <summary>A refusal from the server, with its Okta error summary (e.g. 401 for a signature it does not accept, 400 for a push no longer pending).</summary>
public sealed class DeviceApiException(HttpStatusCode status, string message) : Exception(message)
{
    /// <summary>The HTTP status of the refusal.</summary>
    public HttpStatusCode Status { get; } = status;
}

/// <summary>What an APNs or FCM notification from DirectAuth carries: which account, and which push (none for a notice).</summary>
/// <param name="FactorId">The account (<see cref="DeviceAccount.FactorId"/>).</param>
/// <param name="TransactionId">The push to fetch and answer; null for a notice ("Account change").</param>
public sealed record PushWake(string FactorId, string? TransactionId)
{
    /// <summary>
    /// Reads a notification's custom data: APNs' top-level keys (iOS <c>userInfo</c>) or FCM's <c>data</c>
    /// (Android <c>RemoteMessage.Data</c>). Null when it is not DirectAuth's.
    /// </summary>
    public static PushWake? From(IReadOnlyDictionary<string, string> data) =>
        data.TryGetValue(PushWakeKeys.FactorId, out var factor) && factor.Length is > 0 and <= 64
            ? new PushWake(factor, data.TryGetValue(PushWakeKeys.TransactionId, out var tx) && tx.Length is > 0 and <= 64 ? tx : null)
            : null;
}
