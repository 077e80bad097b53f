using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DirectAuth.Client.MyAccount;

/// <summary>
/// The signed-in user manages their own account through the MyAccount API (<c>/idp/myaccount</c>) of DirectAuth: factors
/// (TOTP, push, phone, passkey), recovery codes and password. Authorized by an access token of the org authorization
/// server (issuer = the server's origin) carrying <c>okta.myAccount.*</c> scopes the app was granted. Changes to
/// factors may throw <see cref="MyAccountException"/> with <see cref="MyAccountException.StepUpRequired"/>: sign the user
/// in again with the <c>max_age</c>/<c>acr_values</c> it names, then retry.
/// </summary>
public sealed partial class MyAccountClient : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue Accept = MediaTypeWithQualityHeaderValue.Parse("application/json; okta-version=1.0.0");
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;
    private readonly Func<CancellationToken, ValueTask<string>> _accessToken;

    /// <summary>Creates a client for the server at <paramref name="origin"/> that sends <paramref name="accessToken"/>'s current token.</summary>
    /// <param name="origin">The server's origin, e.g. <c>https://login.example.com</c> (the org server's issuer).</param>
    /// <param name="accessToken">Returns the current access token (refresh it there when it expires).</param>
    /// <param name="httpClient">Sends the requests; not disposed by this client. Null: a client of its own.</param>
    public MyAccountClient(Uri origin, Func<CancellationToken, ValueTask<string>> accessToken, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(accessToken);
        _base = new Uri(origin.GetLeftPart(UriPartial.Authority) + "/idp/myaccount/");
        _accessToken = accessToken;
        _http = httpClient ?? new HttpClient();
        _ownsHttp = httpClient is null;
    }

    /// <summary>Creates a client that always sends <paramref name="accessToken"/>.</summary>
    public MyAccountClient(Uri origin, string accessToken, HttpClient? httpClient = null) : this(origin, _ => ValueTask.FromResult(accessToken), httpClient)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
    }

    /// <summary>My factors.</summary>
    public async Task<IReadOnlyList<MyAccountFactor>> ListFactorsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "factors", null, cancellationToken).ConfigureAwait(false))!.Value.EnumerateArray().Select(MyAccountFactor.From).ToList();

    /// <summary>One of my factors (404 <see cref="MyAccountException"/> when it is not mine).</summary>
    public async Task<MyAccountFactor> GetFactorAsync(string factorId, CancellationToken cancellationToken = default) =>
        MyAccountFactor.From((await SendAsync(HttpMethod.Get, "factors/" + Escape(factorId), null, cancellationToken).ConfigureAwait(false))!.Value);

    /// <summary>Starts a TOTP enrollment: show <see cref="MyAccountFactor.Activation"/>'s QR code or secret, then <see cref="ActivateAsync"/> with a code.</summary>
    public Task<MyAccountFactor> EnrollTotpAsync(CancellationToken cancellationToken = default) =>
        EnrollAsync(new JsonObject { ["factorType"] = "token:software:totp", ["provider"] = "GOOGLE" }, cancellationToken);

    /// <summary>Starts a push enrollment: the authenticator app scans the activation QR code (or opens the link) and activates itself.</summary>
    public Task<MyAccountFactor> EnrollPushAsync(CancellationToken cancellationToken = default) =>
        EnrollAsync(new JsonObject { ["factorType"] = "push", ["provider"] = "OKTA" }, cancellationToken);

    /// <summary>Starts a passkey enrollment: pass <see cref="MyAccountFactor.Activation"/> (the creation options) to the platform, then <see cref="ActivatePasskeyAsync"/>.</summary>
    public Task<MyAccountFactor> EnrollPasskeyAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["factorType"] = "webauthn", ["provider"] = "FIDO" };
        if (name is not null) body["profile"] = new JsonObject { ["authenticatorName"] = name };
        return EnrollAsync(body, cancellationToken);
    }

    /// <summary>Activates a pending TOTP, SMS or call factor with the code the user read. The first TOTP also returns recovery codes.</summary>
    public async Task<MyAccountFactor> ActivateAsync(string factorId, string passCode, CancellationToken cancellationToken = default) =>
        MyAccountFactor.From((await SendAsync(HttpMethod.Post, $"factors/{Escape(factorId)}/lifecycle/activate",
            new JsonObject { ["passCode"] = passCode }, cancellationToken).ConfigureAwait(false))!.Value);

    /// <summary>Activates a pending passkey with the authenticator's attestationObject and clientDataJSON (base64url).</summary>
    public async Task<MyAccountFactor> ActivatePasskeyAsync(string factorId, string attestation, string clientData, CancellationToken cancellationToken = default) =>
        MyAccountFactor.From((await SendAsync(HttpMethod.Post, $"factors/{Escape(factorId)}/lifecycle/activate",
            new JsonObject { ["attestation"] = attestation, ["clientData"] = clientData }, cancellationToken).ConfigureAwait(false))!.Value);

    /// <summary>Removes one of my factors. The last factor a policy that requires two factors accepts cannot go (409).</summary>
    public Task DeleteFactorAsync(string factorId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "factors/" + Escape(factorId), null, cancellationToken);

    /// <summary>My phones.</summary>
    public async Task<IReadOnlyList<MyAccountPhone>> ListPhonesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "phones", null, cancellationToken).ConfigureAwait(false))!.Value.EnumerateArray().Select(MyAccountPhone.From).ToList();

    /// <summary>Adds a phone; a code is sent to it at once. Then <see cref="VerifyPhoneAsync"/>.</summary>
    public async Task<MyAccountPhone> AddPhoneAsync(string phoneNumber, PhoneMethod method = PhoneMethod.Sms, CancellationToken cancellationToken = default) =>
        MyAccountPhone.From((await SendAsync(HttpMethod.Post, "phones", new JsonObject
        {
            ["profile"] = new JsonObject { ["phoneNumber"] = phoneNumber }, ["method"] = Method(method),
        }, cancellationToken).ConfigureAwait(false))!.Value);

    /// <summary>Sends a new code to an unverified phone.</summary>
    public Task ChallengePhoneAsync(string phoneId, PhoneMethod method = PhoneMethod.Sms, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"phones/{Escape(phoneId)}/challenge", new JsonObject { ["method"] = Method(method) }, cancellationToken);

    /// <summary>Verifies a phone with the code it received.</summary>
    public Task VerifyPhoneAsync(string phoneId, string verificationCode, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"phones/{Escape(phoneId)}/verify", new JsonObject { ["verificationCode"] = verificationCode }, cancellationToken);

    /// <summary>Removes a phone.</summary>
    public Task DeletePhoneAsync(string phoneId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "phones/" + Escape(phoneId), null, cancellationToken);

    /// <summary>How many unused recovery codes I have.</summary>
    public async Task<int> GetRemainingRecoveryCodesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "recovery-codes", null, cancellationToken).ConfigureAwait(false))!.Value.GetProperty("remaining").GetInt32();

    /// <summary>Replaces my recovery codes with a new set, returned this once: show it to the user to print or save.</summary>
    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, "recovery-codes", new JsonObject(), cancellationToken).ConfigureAwait(false))!.Value
            .GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();

    /// <summary>Changes my password; <paramref name="revokeSessions"/>: every refresh token of mine stops working (this app's too).</summary>
    public Task ChangePasswordAsync(string oldPassword, string newPassword, bool revokeSessions = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "password/change-password", new JsonObject
        {
            ["oldPassword"] = oldPassword, ["newPassword"] = newPassword, ["revokeSessions"] = revokeSessions,
        }, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private async Task<MyAccountFactor> EnrollAsync(JsonObject body, CancellationToken ct) =>
        MyAccountFactor.From((await SendAsync(HttpMethod.Post, "factors", body, ct).ConfigureAwait(false))!.Value);

    private async Task<JsonElement?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Accept.Add(Accept);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _accessToken(ct).ConfigureAwait(false));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        JsonElement? json = null;
        try
        {
            if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new MyAccountException((int)response.StatusCode, null, "The server's answer is not JSON.");
        }
        if (response.IsSuccessStatusCode) return json;
        throw Refusal((int)response.StatusCode, json, string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
    }

    private static MyAccountException Refusal(int status, JsonElement? body, string challenge)
    {
        string? code = null;
        var description = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        if (body is { ValueKind: JsonValueKind.Object } b)
        {
            if (b.TryGetProperty("error", out var e)) code = e.GetString();
            else if (b.TryGetProperty("errorCode", out var c)) code = c.GetString();
            if (b.TryGetProperty("error_description", out var d)) description = d.GetString() ?? description;
            else if (b.TryGetProperty("errorSummary", out var s))
            {
                description = s.GetString() ?? description;
                if (b.TryGetProperty("errorCauses", out var causes) && causes.ValueKind == JsonValueKind.Array && causes.GetArrayLength() > 0
                    && causes[0].TryGetProperty("errorSummary", out var cause))
                    description += ": " + cause.GetString();
            }
        }
        var maxAge = MaxAgeParameter().Match(challenge);
        var acr = AcrParameter().Match(challenge);
        return new MyAccountException(status, code, description)
        {
            MaxAge = maxAge.Success ? int.Parse(maxAge.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            AcrValues = acr.Success ? acr.Groups[1].Value : null,
        };
    }

    private static string Method(PhoneMethod method) => method == PhoneMethod.Call ? "CALL" : "SMS";

    private static string Escape(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Uri.EscapeDataString(id);
    }

    [GeneratedRegex("max_age=\"?([0-9]{1,9})\"?")]
    private static partial Regex MaxAgeParameter();

    [GeneratedRegex("acr_values=\"([^\"]*)\"")]
    private static partial Regex AcrParameter();
}
