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

    /// <summary>
    /// SMS pumping defence: the country calling codes (leading digits of the E.164 number, comma separated)
    /// texts and calls may go to; <c>*</c> allows every country. The default is North America (1), the
    /// United Kingdom, the EU/EEA countries and Switzerland, Australia, New Zealand and Japan.
    /// </summary>
    public string AllowedCountryCodes { get; set; } = DefaultAllowedCountryCodes;

    public const string DefaultAllowedCountryCodes =
        "1,44,30,31,32,33,34,351,352,353,354,356,357,358,359,36,370,371,372,385,386,39,40,41,420,421,423,43,45,46,47,48,49,61,64,81";

    /// <summary>At most this many texts and calls asked for from one client address per hour (sign-ins; the management API is not counted).</summary>
    public int MaxSendsPerIpPerHour { get; set; } = 20;
    /// <summary>How many leading digits of the E.164 number (country code included) make the prefix counted by <see cref="MaxSendsPerPrefixPerHour"/>.</summary>
    public int PrefixDigits { get; set; } = 7;
    /// <summary>At most this many texts and calls per hour to numbers sharing a prefix of <see cref="PrefixDigits"/> digits.</summary>
    public int MaxSendsPerPrefixPerHour { get; set; } = 30;
    /// <summary>At most this many texts and calls in all per day (a window that starts with the first send); reaching it writes an alert event.</summary>
    public int MaxSendsPerDay { get; set; } = 1000;

    /// <summary>The parsed <see cref="AllowedCountryCodes"/>; empty when every country is allowed.</summary>
    public IReadOnlyList<string> CountryCodes() =>
        AllowedCountryCodes.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is var codes && codes.Contains("*") ? [] : codes;

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
        var codes = o.AllowedCountryCodes.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (codes.Length == 0 || codes.Any(c => c != "*" && (c.Length is < 1 or > 6 || !c.All(char.IsAsciiDigit) || c[0] == '0')))
            yield return "Delivery:AllowedCountryCodes must be a comma-separated list of country calling codes (1 to 6 digits, e.g. 1,44,49), or *.";
        if (o.MaxSendsPerIpPerHour is < 1 or > 1_000_000) yield return "Delivery:MaxSendsPerIpPerHour must be between 1 and 1000000.";
        if (o.PrefixDigits is < 2 or > 15) yield return "Delivery:PrefixDigits must be between 2 and 15.";
        if (o.MaxSendsPerPrefixPerHour is < 1 or > 1_000_000) yield return "Delivery:MaxSendsPerPrefixPerHour must be between 1 and 1000000.";
        if (o.MaxSendsPerDay is < 1 or > 100_000_000) yield return "Delivery:MaxSendsPerDay must be between 1 and 100000000.";
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
