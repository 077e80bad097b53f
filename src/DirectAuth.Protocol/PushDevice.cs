using System.Text.Json.Serialization;

namespace DirectAuth.Protocol;

#pragma warning disable CS1591 // each type is documented; its members are named as on the wire (docs/authenticator.md)

/// <summary>
/// The authenticator app's side of push (DirectAuth's own, not Okta's): where the device activates,
/// listens and answers, and the names of what it sends. Every request is signed by the device's P-256 key
/// as a compact ES256 JWS; see docs/authenticator.md.
/// </summary>
public static class PushDeviceApi
{
    /// <summary>POST a JWS (header <c>jwk</c>: the new public key) over <see cref="PushActivationClaims"/>.</summary>
    public const string ActivatePath = "/api/v1/authenticators/push/activate";
    /// <summary>GET, server-sent events; <c>Authorization: Device {JWS over <see cref="PushConnectClaims"/>}</c>; resumes after <c>Last-Event-ID</c>.</summary>
    public const string EventsPath = "/api/v1/authenticators/push/events";
    /// <summary>POST a JWS (header <c>kid</c>: the factor id) over <see cref="PushAnswerClaims"/>.</summary>
    public const string AnswerPath = "/api/v1/authenticators/push/answer";
    /// <summary>POST a JWS (header <c>kid</c>: the factor id) over <see cref="PushTokenClaims"/>: the device's new push token (APNs/FCM rotate them).</summary>
    public const string TokenPath = "/api/v1/authenticators/push/token";
    /// <summary>GET, JSON array of <see cref="PushNotification"/>; <c>Authorization: Device {JWS over <see cref="PushConnectClaims"/>}</c> with this URL.
    /// What a phone woken by APNs/FCM fetches: the wake-up carries only <see cref="PushWakeKeys"/>.</summary>
    public const string PendingPath = "/api/v1/authenticators/push/pending";
    /// <summary>The <c>Authorization</c> scheme of the event stream.</summary>
    public const string AuthorizationScheme = "Device";
    /// <summary>Content type of a request body that is a compact JWS.</summary>
    public const string JoseContentType = "application/jose";
    /// <summary>Activation links look like <c>directauth://push/activate?server={origin}&amp;code={code}</c>.</summary>
    public const string ActivationLinkPrefix = "directauth://push/activate";
    /// <summary>JWS <c>typ</c> of each signed message, so a signature made for one purpose is not accepted for another.</summary>
    public const string ActivationJwsType = "da-push-activation+jwt";
    public const string ConnectJwsType = "da-push-connect+jwt";
    public const string AnswerJwsType = "da-push-answer+jwt";
    public const string TokenJwsType = "da-push-token+jwt";
    /// <summary>Server-sent event names.</summary>
    public const string PushEvent = "push";
    public const string ResolvedEvent = "resolved";
    /// <summary>Something the user should know about their account (a factor added or removed); nothing to answer.</summary>
    public const string NoticeEvent = "notice";
}

/// <summary>The user's answer to a push.</summary>
public static class PushDecisions
{
    public const string Approve = "approve";
    public const string Deny = "deny";
    /// <summary>"This wasn't me": a denial the server records as suspicious (WARN).</summary>
    public const string NotMe = "not_me";
}

/// <summary>How a device is woken: Apple's push service, Firebase Cloud Messaging, or only its own open event stream.</summary>
public static class PushPlatforms
{
    /// <summary>Apple Push Notification service (iOS, iPadOS, macOS): the push token is the APNs device token (hex).</summary>
    public const string Apns = "apns";
    /// <summary>Firebase Cloud Messaging HTTP v1 (Android): the push token is the FCM registration token.</summary>
    public const string Fcm = "fcm";
    /// <summary>No push service: the device keeps the event stream open (the CLI, desktops). The default.</summary>
    public const string Sse = "sse";

    /// <summary>True for a platform name this server knows.</summary>
    public static bool IsKnown(string? platform) => platform is Apns or Fcm or Sse;
}

/// <summary>
/// The custom data of an APNs/FCM wake-up. Nothing else is sent besides the lock-screen text ("Sign-in request",
/// the app's name): no login, no address, no number; the device fetches the push over its signed channel.
/// </summary>
public static class PushWakeKeys
{
    /// <summary>The push's transaction id (as in <see cref="PushNotification.TransactionId"/>; not a secret: answering needs the device key).</summary>
    public const string TransactionId = "transactionId";
    /// <summary>The factor the push is for, so an app with several accounts knows which one to fetch for.</summary>
    public const string FactorId = "factorId";
    /// <summary>The notification title of a push.</summary>
    public const string Title = "Sign-in request";
    /// <summary>The notification title of a notice (a factor added or removed; the body is the notice's text, no <see cref="TransactionId"/>).</summary>
    public const string NoticeTitle = "Account change";
}

/// <summary>What the app asks of the user besides approve / deny.</summary>
public static class PushChallenges
{
    /// <summary>No number challenge.</summary>
    public const string None = "none";
    /// <summary>Pick the number the client shows among <see cref="PushNotification.Numbers"/>.</summary>
    public const string Pick = "pick";
    /// <summary>Type the six-digit code the client shows.</summary>
    public const string Type = "type";
}

/// <summary>Claims of the activation JWS.</summary>
public sealed record PushActivationClaims
{
    [JsonPropertyName("activationCode")] public required string ActivationCode { get; init; }
    [JsonPropertyName("deviceName"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? DeviceName { get; init; }
    /// <summary>See <see cref="PushPlatforms"/>; absent means <c>sse</c>.</summary>
    [JsonPropertyName("platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Platform { get; init; }
    /// <summary>The APNs device token or FCM registration token; required for <c>apns</c> and <c>fcm</c>.</summary>
    [JsonPropertyName("pushToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PushToken { get; init; }
    [JsonPropertyName("iat")] public required long IssuedAt { get; init; }
}

/// <summary>Claims of the token-refresh JWS: the device's push platform and its current token.</summary>
public sealed record PushTokenClaims
{
    [JsonPropertyName("platform")] public required string Platform { get; init; }
    [JsonPropertyName("pushToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PushToken { get; init; }
    [JsonPropertyName("iat")] public required long IssuedAt { get; init; }
    /// <summary>A fresh random id (16 to 128 characters): the server takes each one once, so a captured update cannot be replayed to put back an older token.</summary>
    [JsonPropertyName("jti")] public required string Id { get; init; }
}

/// <summary>The server's answer to a token refresh.</summary>
public sealed record PushTokenResult
{
    [JsonPropertyName("factorId")] public required string FactorId { get; init; }
    [JsonPropertyName("platform")] public required string Platform { get; init; }
}

/// <summary>The server's answer to a successful activation.</summary>
public sealed record PushActivationResult
{
    [JsonPropertyName("factorId")] public required string FactorId { get; init; }
    [JsonPropertyName("userId")] public required string UserId { get; init; }
    [JsonPropertyName("login")] public required string Login { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
}

/// <summary>Claims of the JWS that opens the event stream (like DPoP: method, URL, time, unique id; accepted once).</summary>
public sealed record PushConnectClaims
{
    [JsonPropertyName("htm")] public required string Method { get; init; }
    [JsonPropertyName("htu")] public required string Url { get; init; }
    [JsonPropertyName("iat")] public required long IssuedAt { get; init; }
    [JsonPropertyName("jti")] public required string Id { get; init; }
}

/// <summary>Claims of the answer JWS: which push, what the user decided, which number.</summary>
public sealed record PushAnswerClaims
{
    [JsonPropertyName("txn")] public required string TransactionId { get; init; }
    [JsonPropertyName("decision")] public required string Decision { get; init; }
    [JsonPropertyName("number"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Number { get; init; }
    [JsonPropertyName("iat")] public required long IssuedAt { get; init; }
}

/// <summary>The server's answer to a device answer: the transaction's new status.</summary>
public sealed record PushAnswerResult
{
    [JsonPropertyName("transactionId")] public required string TransactionId { get; init; }
    /// <summary>APPROVED or DENIED.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    /// <summary>For a denial: USER_DENIED, NOT_ME or WRONG_NUMBER.</summary>
    [JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Reason { get; init; }
}

/// <summary>The data of a <c>push</c> event: what the app shows the user.</summary>
public sealed record PushNotification
{
    [JsonPropertyName("transactionId")] public required string TransactionId { get; init; }
    [JsonPropertyName("factorId")] public required string FactorId { get; init; }
    [JsonPropertyName("login")] public required string Login { get; init; }
    [JsonPropertyName("appName")] public required string AppName { get; init; }
    [JsonPropertyName("clientId")] public required string ClientId { get; init; }
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("expiresAt")] public required DateTimeOffset ExpiresAt { get; init; }
    [JsonPropertyName("ipAddress")] public string? IpAddress { get; init; }
    [JsonPropertyName("userAgent")] public string? UserAgent { get; init; }
    /// <summary>See <see cref="PushChallenges"/>.</summary>
    [JsonPropertyName("challenge")] public required string Challenge { get; init; }
    /// <summary>For <c>pick</c>: three numbers, one of them the client's <c>binding_code</c>.</summary>
    [JsonPropertyName("numbers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Numbers { get; init; }
    /// <summary>True when this push is a second factor after a password.</summary>
    [JsonPropertyName("mfa")] public bool Mfa { get; init; }
}

/// <summary>The data of a <c>resolved</c> event: a push ended (answered here or elsewhere, or expired).</summary>
public sealed record PushResolution
{
    [JsonPropertyName("transactionId")] public required string TransactionId { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
}

/// <summary>The data of a <c>notice</c> event: a message to show the user (no secret, nothing to answer).</summary>
public sealed record PushNotice
{
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Source-generated JSON metadata for the push device messages.</summary>
[JsonSerializable(typeof(PushActivationClaims))]
[JsonSerializable(typeof(PushActivationResult))]
[JsonSerializable(typeof(PushConnectClaims))]
[JsonSerializable(typeof(PushAnswerClaims))]
[JsonSerializable(typeof(PushAnswerResult))]
[JsonSerializable(typeof(PushNotification))]
[JsonSerializable(typeof(PushResolution))]
[JsonSerializable(typeof(PushNotice))]
[JsonSerializable(typeof(PushTokenClaims))]
[JsonSerializable(typeof(PushTokenResult))]
[JsonSerializable(typeof(List<PushNotification>))]
public sealed partial class PushJsonContext : JsonSerializerContext;
