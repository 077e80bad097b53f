using DirectAuth.Protocol;

namespace DirectAuth.Client.Internal;

/// <summary>What the failed request was proving, which decides what <c>invalid_grant</c> means.</summary>
internal enum Proof
{
    Password,
    Code,
    RefreshToken,
    Passkey,
    Other,
}

/// <summary>Classifies an error answer, including Okta's quirks: an expired code is 403 <c>access_denied</c>, a 5xx has an Okta API body.</summary>
internal static class ErrorMapper
{
    public static DirectAuthError FromResponse(WireResponse response, Proof proof)
    {
        var status = response.Status;
        if (status >= 500)
            return new DirectAuthError(DirectAuthErrorKind.ServerError,
                response.String("errorCode") ?? response.String("error"),
                response.String("errorSummary") ?? response.String("error_description") ?? $"The server failed with HTTP {status}.")
            { StatusCode = status, ErrorId = response.String("errorId") };

        var error = response.String("error");
        var description = response.String("error_description") ?? response.String("errorSummary") ?? "";
        if (status == 429)
            return new DirectAuthError(DirectAuthErrorKind.RateLimited, error ?? response.String("errorCode"),
                description.Length > 0 ? description : "Too many requests.")
            { StatusCode = status, RetryAfter = response.RateLimitReset };

        if (error is null)
            return new DirectAuthError(response.IsJsonObject ? DirectAuthErrorKind.Other : DirectAuthErrorKind.InvalidResponse,
                response.String("errorCode"),
                description.Length > 0 ? description : $"The server answered HTTP {status} without an OAuth error.")
            { StatusCode = status, ErrorId = response.String("errorId") };

        var kind = error switch
        {
            Errors.AccessDenied => status == 403 ? DirectAuthErrorKind.Expired : DirectAuthErrorKind.Denied,
            Errors.InvalidGrant => proof switch
            {
                Proof.Password or Proof.Passkey => DirectAuthErrorKind.InvalidCredentials,
                Proof.Code => DirectAuthErrorKind.InvalidCode,
                _ => DirectAuthErrorKind.InvalidGrant,
            },
            Errors.UnsupportedChallengeType => DirectAuthErrorKind.FactorUnavailable,
            Errors.InvalidClient or Errors.UnauthorizedClient or Errors.InvalidScope or Errors.UnsupportedGrantType
                or Errors.InvalidRequest => DirectAuthErrorKind.ClientRejected,
            Errors.ServerError or "temporarily_unavailable" => DirectAuthErrorKind.ServerError,
            _ => DirectAuthErrorKind.Other,
        };
        return new DirectAuthError(kind, error, description)
        {
            StatusCode = status,
            WrongNumber = kind == DirectAuthErrorKind.Denied && description == ErrorDescriptions.WrongNumber,
            NoEnrolledFactor = error == Errors.AccessDenied && description == ErrorDescriptions.NoEnrolledFactor,
        };
    }

    public static DirectAuthError Malformed(string what) =>
        new(DirectAuthErrorKind.InvalidResponse, null, what);
}
