using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Codes sent to phones (configuration section <c>Phone</c>, env <c>DIRECTAUTH_PHONE__...</c>); see docs/delivery.md.
/// A sign-in code lives and counts wrong tries with its out-of-band transaction (<c>OutOfBand:*</c>).
/// </summary>
public sealed class PhoneOptions
{
    public const string Section = "Phone";

    /// <summary>How long an enrollment (activation) code is accepted.</summary>
    public int ActivationLifetimeSeconds { get; set; } = 300;
    /// <summary>Wrong codes allowed for one code; after that the code is dead and a new one must be sent.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>At most one text or call per phone number in this many seconds.</summary>
    public int ResendSeconds { get; set; } = 30;
    /// <summary>At most this many texts and calls per phone number per hour (fixed window from the first one).</summary>
    public int MaxSendsPerHour { get; set; } = 10;
    /// <summary>
    /// Region (ISO 3166 code, e.g. <c>US</c>) of phone numbers written without '+' and country code, for factor numbers
    /// and profile <c>mobilePhone</c>. Empty (the default): a number must start with '+' and its country code.
    /// </summary>
    public string? DefaultRegion { get; set; }
    /// <summary>
    /// Whether SMS and voice challenge answers carry <c>destination</c>, the masked number the code went to
    /// (<c>+1 ••• ••• 0123</c>; decoys get a plausible, stable one). <c>false</c> leaves it out.
    /// </summary>
    public bool ShowDestination { get; set; } = true;
}

internal sealed class PhoneOptionsValidation : IValidateOptions<PhoneOptions>
{
    public ValidateOptionsResult Validate(string? name, PhoneOptions o)
    {
        var problems = new List<string>();
        if (o.ActivationLifetimeSeconds is < 60 or > 3600) problems.Add("Phone:ActivationLifetimeSeconds must be between 60 and 3600.");
        if (o.MaxAttempts is < 1 or > 10) problems.Add("Phone:MaxAttempts must be between 1 and 10.");
        if (o.ResendSeconds is < 0 or > 3600) problems.Add("Phone:ResendSeconds must be between 0 and 3600.");
        if (o.MaxSendsPerHour is < 1 or > 1000) problems.Add("Phone:MaxSendsPerHour must be between 1 and 1000.");
        if (!string.IsNullOrEmpty(o.DefaultRegion) && !PhoneNumber.IsRegion(o.DefaultRegion))
            problems.Add($"Phone:DefaultRegion '{o.DefaultRegion}' is not a region code (ISO 3166 alpha-2, e.g. US, GB, DE).");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
