using System.Security.Cryptography;

namespace DirectAuth.Server.PushProviders;

/// <summary>
/// Push to phones (section <c>Push</c>; env <c>DIRECTAUTH_PUSH__APNS__KEYID</c>, ...): APNs and FCM, each on when
/// its credentials are set. Every setting is described in docs/push-providers.md.
/// </summary>
public sealed class PushProviderOptions
{
    public const string Section = "Push";

    public ApnsSettings Apns { get; set; } = new();
    public FcmSettings Fcm { get; set; } = new();
    /// <summary>How long one request to APNs or FCM may take.</summary>
    public int TimeoutMilliseconds { get; set; } = 5000;
    /// <summary>Attempts per wake-up in all; retries also stop when the push expires.</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>First retry delay; doubled each time up to <see cref="RetryMaxMilliseconds"/>, with full jitter (a random delay up to it).</summary>
    public int RetryBaseMilliseconds { get; set; } = 1000;
    public int RetryMaxMilliseconds { get; set; } = 60_000;

    public IEnumerable<string> Problems()
    {
        if (TimeoutMilliseconds is < 100 or > 60_000) yield return "Push:TimeoutMilliseconds must be between 100 and 60000.";
        if (MaxAttempts is < 1 or > 10_000) yield return "Push:MaxAttempts must be between 1 and 10000.";
        if (RetryBaseMilliseconds < 1 || RetryMaxMilliseconds < RetryBaseMilliseconds) yield return "Push:RetryBaseMilliseconds must be at least 1 and Push:RetryMaxMilliseconds at least RetryBaseMilliseconds.";
        foreach (var p in Apns.Problems()) yield return p;
        foreach (var p in Fcm.Problems()) yield return p;
    }

    internal static string? HttpsUrlProblem(string name, string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && u.Query.Length == 0 ? null : $"{name} must be an absolute https URL without a query (got '{url}').";
}

/// <summary>Apple Push Notification service with token (.p8 key) authentication.</summary>
public sealed class ApnsSettings
{
    public const string Production = "https://api.push.apple.com";
    public const string Sandbox = "https://api.sandbox.push.apple.com";

    /// <summary>The 10-character key id of the .p8 key (Apple Developer: Keys).</summary>
    public string? KeyId { get; set; }
    /// <summary>The 10-character team id (the provider JWT's <c>iss</c>).</summary>
    public string? TeamId { get; set; }
    /// <summary>The app's bundle id (<c>apns-topic</c>).</summary>
    public string? Topic { get; set; }
    /// <summary>Path of the .p8 file (PKCS#8 PEM); or <see cref="PrivateKey"/>, its content.</summary>
    public string? PrivateKeyPath { get; set; }
    public string? PrivateKey { get; set; }
    /// <summary><see cref="Production"/> (default) or <see cref="Sandbox"/> for development builds of the app.</summary>
    public string BaseUrl { get; set; } = Production;
    /// <summary><c>apns-priority</c>: 10 (now, the default for a sign-in) or 5 (power-saving).</summary>
    public int Priority { get; set; } = 10;
    /// <summary>How long a provider JWT is reused: Apple refuses one older than 60 minutes and one renewed more often than every 20.</summary>
    public int TokenRefreshMinutes { get; set; } = 50;

    public bool Enabled => KeyId is { Length: > 0 } || TeamId is { Length: > 0 } || Topic is { Length: > 0 } || PrivateKeyPath is { Length: > 0 } || PrivateKey is { Length: > 0 };

    /// <summary>The key's PEM text (from the file or the setting).</summary>
    public string KeyPem() => PrivateKey is { Length: > 0 } pem ? pem : File.ReadAllText(PrivateKeyPath!);

    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        if (KeyId is not { Length: 10 } || !KeyId.All(char.IsAsciiLetterOrDigit)) yield return "Push:Apns:KeyId must be the 10-character key id of the .p8 key.";
        if (TeamId is not { Length: 10 } || !TeamId.All(char.IsAsciiLetterOrDigit)) yield return "Push:Apns:TeamId must be the 10-character Apple team id.";
        if (Topic is not { Length: > 0 }) yield return "Push:Apns:Topic must be the app's bundle id (e.g. com.example.authenticator).";
        if (PushProviderOptions.HttpsUrlProblem("Push:Apns:BaseUrl", BaseUrl) is { } url) yield return url;
        if (Priority is not (5 or 10)) yield return "Push:Apns:Priority must be 10 or 5.";
        if (TokenRefreshMinutes is < 20 or > 59) yield return "Push:Apns:TokenRefreshMinutes must be between 20 and 59 (Apple: a token lives 60 minutes, renew it at most every 20).";
        if ((PrivateKey is { Length: > 0 }) == (PrivateKeyPath is { Length: > 0 })) { yield return "Push:Apns: set exactly one of PrivateKeyPath (the .p8 file) and PrivateKey (its content)."; yield break; }
        if (KeyProblem() is { } key) yield return key;
    }

    private string? KeyProblem()
    {
        string pem;
        try { pem = KeyPem(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"Push:Apns:PrivateKeyPath cannot be read: {e.Message}"; }
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256 ? null : "Push:Apns: the .p8 key must be a P-256 key (ES256).";
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException) { return "Push:Apns: the .p8 key is not a PEM EC private key (-----BEGIN PRIVATE KEY-----)."; }
    }
}

/// <summary>Firebase Cloud Messaging HTTP v1 with a Google service account.</summary>
public sealed class FcmSettings
{
    public const string DefaultBaseUrl = "https://fcm.googleapis.com";

    /// <summary>Path of the service account's JSON key file; or <see cref="ServiceAccountJson"/>, its content.</summary>
    public string? ServiceAccountPath { get; set; }
    public string? ServiceAccountJson { get; set; }
    /// <summary>The Firebase project id; default the key file's <c>project_id</c>.</summary>
    public string? ProjectId { get; set; }
    /// <summary>Where access tokens come from; default the key file's <c>token_uri</c>.</summary>
    public string? TokenUri { get; set; }
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    public bool Enabled => ServiceAccountPath is { Length: > 0 } || ServiceAccountJson is { Length: > 0 };

    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        if (PushProviderOptions.HttpsUrlProblem("Push:Fcm:BaseUrl", BaseUrl) is { } url) yield return url;
        if (ServiceAccountPath is { Length: > 0 } && ServiceAccountJson is { Length: > 0 }) { yield return "Push:Fcm: set exactly one of ServiceAccountPath and ServiceAccountJson."; yield break; }
        var (account, problem) = FcmServiceAccount.Load(this);
        if (problem is not null) { yield return problem; yield break; }
        if (PushProviderOptions.HttpsUrlProblem("Push:Fcm:TokenUri (or the key file's token_uri)", account!.TokenUri) is { } token) yield return token;
    }
}
