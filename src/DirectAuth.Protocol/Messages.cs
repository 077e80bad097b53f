using System.Text.Json.Serialization;

namespace DirectAuth.Protocol;

/// <summary>An OAuth error body: <c>error</c> and <c>error_description</c> are always present.</summary>
public sealed record ErrorResponse
{
    /// <summary>The OAuth error code, see <see cref="Errors"/>.</summary>
    [JsonPropertyName("error")] public required string Error { get; init; }
    /// <summary>A human-readable description.</summary>
    [JsonPropertyName("error_description")] public required string ErrorDescription { get; init; }
    /// <summary>Present with <c>mfa_required</c>: the handle of the MFA transaction.</summary>
    [JsonPropertyName("mfa_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MfaToken { get; init; }
}

/// <summary>A successful token response.</summary>
public sealed record TokenResponse
{
    /// <summary>Always <c>Bearer</c>.</summary>
    [JsonPropertyName("token_type")] public string TokenType { get; init; } = "Bearer";
    /// <summary>Access token lifetime in seconds.</summary>
    [JsonPropertyName("expires_in")] public required int ExpiresIn { get; init; }
    /// <summary>The access token (a signed JWT).</summary>
    [JsonPropertyName("access_token")] public required string AccessToken { get; init; }
    /// <summary>The granted scopes, space separated.</summary>
    [JsonPropertyName("scope")] public required string Scope { get; init; }
    /// <summary>A refresh token, when <c>offline_access</c> was granted.</summary>
    [JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; init; }
    /// <summary>An id_token, when <c>openid</c> was granted.</summary>
    [JsonPropertyName("id_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdToken { get; init; }
}

/// <summary>The answer of <c>/challenge</c>.</summary>
public sealed record ChallengeResponse
{
    /// <summary>The grant type the client continues with.</summary>
    [JsonPropertyName("challenge_type")] public required string ChallengeType { get; init; }
    /// <summary>The out-of-band transaction handle (OOB challenges only).</summary>
    [JsonPropertyName("oob_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OobCode { get; init; }
    /// <summary>The out-of-band channel.</summary>
    [JsonPropertyName("channel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Channel { get; init; }
    /// <summary>How the channel is bound, see <see cref="BindingMethods"/>.</summary>
    [JsonPropertyName("binding_method"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BindingMethod { get; init; }
    /// <summary>The number the client shows for <c>transfer</c>.</summary>
    [JsonPropertyName("binding_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BindingCode { get; init; }
    /// <summary>Seconds until the transaction expires.</summary>
    [JsonPropertyName("expires_in"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ExpiresIn { get; init; }
    /// <summary>Seconds between polls.</summary>
    [JsonPropertyName("interval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Interval { get; init; }
    /// <inheritdoc cref="OobAuthenticateResponse.Destination"/>
    [JsonPropertyName(Parameters.Destination), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Destination { get; init; }
}

/// <summary>The answer of <c>/primary-authenticate</c> (and <c>/oob-authenticate</c>).</summary>
public sealed record OobAuthenticateResponse
{
    /// <summary>The out-of-band transaction handle.</summary>
    [JsonPropertyName("oob_code")] public required string OobCode { get; init; }
    /// <summary>Seconds until the transaction expires.</summary>
    [JsonPropertyName("expires_in")] public required int ExpiresIn { get; init; }
    /// <summary>Seconds between polls.</summary>
    [JsonPropertyName("interval")] public required int Interval { get; init; }
    /// <summary>The out-of-band channel.</summary>
    [JsonPropertyName("channel")] public required string Channel { get; init; }
    /// <summary>How the channel is bound, see <see cref="BindingMethods"/>.</summary>
    [JsonPropertyName("binding_method")] public required string BindingMethod { get; init; }
    /// <summary>The number the client shows for <c>transfer</c>.</summary>
    [JsonPropertyName("binding_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BindingCode { get; init; }
    /// <summary>
    /// SMS and voice: where the code went, masked (<c>+1 ••• ••• 0123</c>). A DirectAuth extension, not in Okta's
    /// answers (its SDKs ignore unknown fields); absent when the server is configured not to show it.
    /// </summary>
    [JsonPropertyName(Parameters.Destination), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Destination { get; init; }
}

/// <summary>An Okta API error body, used for every 5xx and for management API errors.</summary>
public sealed record OktaApiError
{
    /// <summary>Okta's error code, e.g. <c>E0000009</c>.</summary>
    [JsonPropertyName("errorCode")] public required string ErrorCode { get; init; }
    /// <summary>A human-readable summary.</summary>
    [JsonPropertyName("errorSummary")] public required string ErrorSummary { get; init; }
    /// <summary>Same as <see cref="ErrorCode"/>, as Okta sends it.</summary>
    [JsonPropertyName("errorLink")] public required string ErrorLink { get; init; }
    /// <summary>A unique id for this occurrence, to find it in the server log.</summary>
    [JsonPropertyName("errorId")] public required string ErrorId { get; init; }
    /// <summary>Details, each with an <c>errorSummary</c>.</summary>
    [JsonPropertyName("errorCauses")] public IReadOnlyList<OktaErrorCause> ErrorCauses { get; init; } = [];
}

/// <summary>One cause of an <see cref="OktaApiError"/>.</summary>
public sealed record OktaErrorCause([property: JsonPropertyName("errorSummary")] string ErrorSummary);

/// <summary>
/// The answer that starts a passkey sign-in (PROTOCOL.md section 9): from <c>/primary-authenticate</c> with
/// <c>challenge_hint=…webauthn</c>, and from <c>/challenge</c> or <c>/primary-authenticate</c> with an
/// <c>mfa_token</c>. camelCase, as Okta sends it.
/// </summary>
public sealed record WebAuthnChallengeResponse
{
    /// <summary>The grant to continue with: <see cref="GrantTypes.Webauthn"/> or <see cref="GrantTypes.MfaWebauthn"/>.</summary>
    [JsonPropertyName("challengeType")] public required string ChallengeType { get; init; }
    /// <summary>The <c>PublicKeyCredentialRequestOptions</c> to hand to the platform's passkey API.</summary>
    [JsonPropertyName("publicKey")] public required WebAuthnRequestOptions PublicKey { get; init; }
    /// <summary>The user's passkeys (empty for a discoverable-credential sign-in without <c>login_hint</c>).</summary>
    [JsonPropertyName("authenticatorEnrollments")] public IReadOnlyList<WebAuthnEnrollment> AuthenticatorEnrollments { get; init; } = [];
}

/// <summary>WebAuthn <c>PublicKeyCredentialRequestOptions</c>, binary values as base64url.</summary>
public sealed record WebAuthnRequestOptions
{
    /// <summary>The challenge (base64url); single use, lives <see cref="Timeout"/>.</summary>
    [JsonPropertyName("challenge")] public required string Challenge { get; init; }
    /// <summary>The relying party id (a domain).</summary>
    [JsonPropertyName("rpId")] public required string RpId { get; init; }
    /// <summary>Milliseconds the challenge lives.</summary>
    [JsonPropertyName("timeout")] public required int Timeout { get; init; }
    /// <summary><c>required</c>, <c>preferred</c> or <c>discouraged</c>.</summary>
    [JsonPropertyName("userVerification")] public required string UserVerification { get; init; }
    /// <summary>The credentials that may answer; empty for a discoverable-credential sign-in.</summary>
    [JsonPropertyName("allowCredentials")] public IReadOnlyList<WebAuthnCredentialDescriptor> AllowCredentials { get; init; } = [];
    /// <summary>Extensions; <c>appid</c> carries the RP's origin (Okta's Kotlin SDK reads the RP id from its host).</summary>
    [JsonPropertyName("extensions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WebAuthnExtensions? Extensions { get; init; }
}

/// <summary>A <c>PublicKeyCredentialDescriptor</c>.</summary>
public sealed record WebAuthnCredentialDescriptor
{
    /// <summary>Always <c>public-key</c>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "public-key";
    /// <summary>The credential id (base64url).</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }
}

/// <summary>WebAuthn client extensions sent with a challenge.</summary>
public sealed record WebAuthnExtensions
{
    /// <summary>The FIDO AppID: the RP's origin.</summary>
    [JsonPropertyName("appid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AppId { get; init; }
}

/// <summary>One passkey of the user, as listed with a challenge.</summary>
public sealed record WebAuthnEnrollment
{
    /// <summary>The credential id (base64url).</summary>
    [JsonPropertyName("credentialId")] public required string CredentialId { get; init; }
    /// <summary>The passkey's name.</summary>
    [JsonPropertyName("displayName")] public required string DisplayName { get; init; }
    /// <summary>Public facts about the authenticator.</summary>
    [JsonPropertyName("profile")] public required WebAuthnEnrollmentProfile Profile { get; init; }
}

/// <summary>The <c>profile</c> of a listed passkey.</summary>
public sealed record WebAuthnEnrollmentProfile
{
    /// <summary>The authenticator model's AAGUID (a UUID; all zeros when the authenticator does not say).</summary>
    [JsonPropertyName("aaguid")] public required string Aaguid { get; init; }
}
