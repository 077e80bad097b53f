using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// How codes reach phones (configuration section <c>Delivery</c>, env <c>DIRECTAUTH_DELIVERY__...</c>).
/// Every setting is described in docs/delivery.md.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary><c>outbox</c> (default), <c>webhook</c> or <c>twilio</c>.</summary>
    public string Provider { get; set; } = DeliveryProviders.Outbox;

    /// <summary>The name the text message and the call introduce themselves with.</summary>
    public string SenderName { get; set; } = "DirectAuth";

    public OutboxSettings Outbox { get; set; } = new();
    public WebhookSettings Webhook { get; set; } = new();
    public TwilioSettings Twilio { get; set; } = new();
}

public static class DeliveryProviders
{
    public const string Outbox = "outbox";
    public const string Webhook = "webhook";
    public const string Twilio = "twilio";
}

public sealed class OutboxSettings
{
    /// <summary>How long stored messages stay readable before the cleanup deletes them.</summary>
    public int RetentionMinutes { get; set; } = 1440;
}

/// <summary>Retry behaviour shared by the HTTP providers: retried on 5xx, timeouts and connection errors, never on 4xx.</summary>
public abstract class HttpProviderSettings
{
    /// <summary>How long one attempt may take.</summary>
    public int TimeoutMilliseconds { get; set; } = 5000;
    /// <summary>Attempts in all (1 = no retry).</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>Wait before the second attempt; doubled before each further one.</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;
}

public sealed class WebhookSettings : HttpProviderSettings
{
    /// <summary>The operator's endpoint that receives the signed JSON POST.</summary>
    public string? Url { get; set; }
    /// <summary>The shared HMAC-SHA256 key (at least 32 characters).</summary>
    public string? Secret { get; set; }
}

public sealed class TwilioSettings : HttpProviderSettings
{
    public TwilioSettings() => TimeoutMilliseconds = 10_000;

    /// <summary>Twilio's REST base; change it only for a test double or a regional edge.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    /// <summary>The Twilio number texts and calls come from (E.164). Calls always need it.</summary>
    public string? From { get; set; }
    /// <summary>Send texts through this Messaging Service instead of <see cref="From"/>.</summary>
    public string? MessagingServiceSid { get; set; }
    /// <summary>TwiML &lt;Say&gt; voice (e.g. <c>Polly.Joanna</c>); empty: Twilio's default.</summary>
    public string? Voice { get; set; }
    /// <summary>TwiML &lt;Say&gt; language.</summary>
    public string Language { get; set; } = "en-US";
}

/// <summary>Refuses to start with a provider that cannot work, naming every missing setting.</summary>
internal sealed class DeliveryOptionsValidation : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions o)
    {
        var problems = Problems(o).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(DeliveryOptions o)
    {
        if (o.Provider is not (DeliveryProviders.Outbox or DeliveryProviders.Webhook or DeliveryProviders.Twilio))
            yield return $"Delivery:Provider must be outbox, webhook or twilio (was '{o.Provider}').";
        if (string.IsNullOrWhiteSpace(o.SenderName) || o.SenderName.Length > 30) yield return "Delivery:SenderName must be 1 to 30 characters.";
        if (o.Outbox.RetentionMinutes is < 1 or > 43_200) yield return "Delivery:Outbox:RetentionMinutes must be between 1 and 43200 (30 days).";
        if (o.Provider == DeliveryProviders.Webhook)
        {
            if (!IsHttpUrl(o.Webhook.Url)) yield return "Delivery:Webhook:Url must be an absolute http(s) URL.";
            if (o.Webhook.Secret is not { Length: >= 32 }) yield return "Delivery:Webhook:Secret must be at least 32 characters.";
            foreach (var p in RetryProblems("Webhook", o.Webhook)) yield return p;
        }
        if (o.Provider == DeliveryProviders.Twilio)
        {
            if (!IsHttpUrl(o.Twilio.BaseUrl)) yield return "Delivery:Twilio:BaseUrl must be an absolute http(s) URL.";
            if (string.IsNullOrWhiteSpace(o.Twilio.AccountSid)) yield return "Delivery:Twilio:AccountSid is required.";
            if (string.IsNullOrWhiteSpace(o.Twilio.AuthToken)) yield return "Delivery:Twilio:AuthToken is required.";
            if (string.IsNullOrWhiteSpace(o.Twilio.From)) yield return "Delivery:Twilio:From (the Twilio number calls and texts come from) is required.";
            foreach (var p in RetryProblems("Twilio", o.Twilio)) yield return p;
        }
    }

    private static IEnumerable<string> RetryProblems(string name, HttpProviderSettings s)
    {
        if (s.TimeoutMilliseconds is < 100 or > 60_000) yield return $"Delivery:{name}:TimeoutMilliseconds must be between 100 and 60000.";
        if (s.MaxAttempts is < 1 or > 10) yield return $"Delivery:{name}:MaxAttempts must be between 1 and 10.";
        if (s.RetryDelayMilliseconds is < 0 or > 30_000) yield return $"Delivery:{name}:RetryDelayMilliseconds must be between 0 and 30000.";
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
