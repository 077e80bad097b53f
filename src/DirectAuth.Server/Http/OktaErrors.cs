using DirectAuth.Protocol;
using DirectAuth.Server.Security;

namespace DirectAuth.Server.Http;

/// <summary>Okta API error bodies (management API errors and every 5xx).</summary>
public static class OktaErrors
{
    public static OktaApiError Create(string code, string summary, params string[] causes) => new()
    {
        ErrorCode = code,
        ErrorSummary = summary,
        ErrorLink = code,
        ErrorId = "oae" + Secrets.NewId("")[..17],
        ErrorCauses = causes.Select(c => new OktaErrorCause(c)).ToList(),
    };

    public static OktaApiError ForStatus(int status) => status switch
    {
        400 => Create("E0000003", "The request body was not well-formed."),
        401 => Create("E0000011", "Invalid token provided"),
        403 => Create("E0000006", "You do not have permission to perform the requested action"),
        404 => Create("E0000007", "Not found: Resource not found"),
        405 => Create("E0000022", "The endpoint does not support the provided HTTP method"),
        413 => Create("E0000003", "The request body is too large."),
        415 => Create("E0000003", "The request body was not well-formed: unsupported content type."),
        429 => Create("E0000047", "API call exceeded rate limit due to too many requests."),
        503 => Create("E0000010", "Service is in read only mode"),
        _ when status >= 500 => Create("E0000009", "Internal Server Error"),
        _ => Create("E0000001", "Api validation failed"),
    };
}

/// <summary>A management API error result.</summary>
public sealed class OktaErrorResult(int status, OktaApiError error) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) =>
        WireJson.WriteAsync(httpContext.Response, status, error, ProtocolJsonContext.Wire.OktaApiError);
}
