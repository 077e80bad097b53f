using System.Text.Json;

namespace DirectAuth.Client.MyAccount;

/// <summary>One of the signed-in user's factors, as the MyAccount API shows it (the Okta Factors API shape).</summary>
/// <param name="Id">The factor's id.</param>
/// <param name="FactorType"><c>token:software:totp</c>, <c>push</c>, <c>sms</c>, <c>call</c> or <c>webauthn</c>.</param>
/// <param name="Provider">Okta's provider name (GOOGLE, OKTA, FIDO).</param>
/// <param name="Status"><c>PENDING_ACTIVATION</c> or <c>ACTIVE</c>.</param>
/// <param name="Profile">Public facts about the factor (phone number, passkey name, ...).</param>
public sealed record MyAccountFactor(string Id, string FactorType, string Provider, string Status, JsonElement Profile)
{
    /// <summary>
    /// What the user needs to finish enrolling (<c>_embedded.activation</c>), only in the answer that started it:
    /// TOTP: <c>sharedSecret</c>, <c>otpauthUri</c>, <c>_links.qrcode.href</c>; push: <c>activationLink</c> and its QR code;
    /// passkey: the <c>PublicKeyCredentialCreationOptions</c> to pass to the platform's passkey API.
    /// </summary>
    public JsonElement? Activation { get; init; }

    /// <summary>Recovery codes issued with this answer (activating the first TOTP factor), shown once.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; init; } = [];

    /// <summary>Whether the factor is active.</summary>
    public bool IsActive => Status == "ACTIVE";

    internal static MyAccountFactor From(JsonElement e) => new(
        e.GetProperty("id").GetString()!, e.GetProperty("factorType").GetString()!, e.GetProperty("provider").GetString() ?? "",
        e.GetProperty("status").GetString()!, e.TryGetProperty("profile", out var p) ? p.Clone() : default)
    {
        Activation = e.TryGetProperty("_embedded", out var embedded) && embedded.TryGetProperty("activation", out var a) ? a.Clone() : null,
        RecoveryCodes = e.TryGetProperty("_embedded", out var emb) && emb.TryGetProperty("recoveryCodes", out var codes)
            ? codes.EnumerateArray().Select(c => c.GetString()!).ToList() : [],
    };
}

/// <summary>One of the user's phones (Okta MyAccount Phone API).</summary>
/// <param name="Id">The phone's id (the id of its sms or call factor).</param>
/// <param name="PhoneNumber">E.164.</param>
/// <param name="Status"><c>UNVERIFIED</c> or <c>VERIFIED</c>.</param>
/// <param name="Method"><c>SMS</c> or <c>CALL</c>.</param>
public sealed record MyAccountPhone(string Id, string PhoneNumber, string Status, string Method)
{
    internal static MyAccountPhone From(JsonElement e) => new(
        e.GetProperty("id").GetString()!, e.GetProperty("profile").GetProperty("phoneNumber").GetString()!,
        e.GetProperty("status").GetString()!, e.TryGetProperty("method", out var m) ? m.GetString()! : "SMS");
}

/// <summary>How a phone receives its codes.</summary>
public enum PhoneMethod
{
    /// <summary>Text message.</summary>
    Sms,
    /// <summary>Voice call.</summary>
    Call,
}

/// <summary>A refusal of the MyAccount API.</summary>
public sealed class MyAccountException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MyAccountException(int statusCode, string? code, string description) : base($"{statusCode} {code}: {description}")
    {
        StatusCode = statusCode;
        Code = code;
        Description = description;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The OAuth <c>error</c> (<c>invalid_token</c>, <c>insufficient_scope</c>, <c>insufficient_user_authentication</c>) or Okta <c>errorCode</c> (E0000007, ...).</summary>
    public string? Code { get; }

    /// <summary>What the server said, with its first cause for Okta errors.</summary>
    public string Description { get; }

    /// <summary>
    /// RFC 9470 step-up: the user must sign in again before this change. <see cref="MaxAge"/> and <see cref="AcrValues"/>
    /// are what to ask for on that sign-in (<see cref="DirectAuthClientOptions.MaxAge"/>, <see cref="DirectAuthClientOptions.AcrValues"/>).
    /// </summary>
    public bool StepUpRequired => Code == "insufficient_user_authentication";

    /// <summary>From the <c>WWW-Authenticate</c> header of a step-up refusal: the longest age of the sign-in, in seconds.</summary>
    public int? MaxAge { get; init; }

    /// <summary>From the <c>WWW-Authenticate</c> header of a step-up refusal: the assurance the sign-in must reach.</summary>
    public string? AcrValues { get; init; }
}
