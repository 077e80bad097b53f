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
