using DirectAuth.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace DirectAuth.Server.Http;

/// <summary>
/// Keeps the contract's conventions on every response, whatever produced it: JSON is
/// <c>application/json</c> exactly, nothing is cached unless an endpoint says otherwise, an exception
/// becomes an Okta-shaped 500 with an <c>errorId</c> that is also in the server log (a database that cannot be
/// reached: a 503 with <c>Retry-After</c> and one log line per outage, see <see cref="StorageOutage"/>), and an error status
/// with no body (unknown path, wrong method) gets a JSON body.
/// </summary>
public sealed class WireConventionsMiddleware(RequestDelegate next, ILogger<WireConventionsMiddleware> logger, TimeProvider clock)
{
    private readonly StorageOutage _outage = new(clock, logger);

    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        response.OnStarting(static state =>
        {
            var r = (HttpResponse)state;
            if (r.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                r.ContentType = WireJson.ContentType;
            if (!r.Headers.ContainsKey(HeaderNames.CacheControl))
            {
                r.Headers.CacheControl = "no-store";
                r.Headers.Pragma = "no-cache";
            }
            return Task.CompletedTask;
        }, response);

        // No endpoint takes NUL in a query, and PostgreSQL cannot compare text holding it: refuse it up front.
        if (context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true)
        {
            const string nul = "The query string must not contain NUL characters.";
            if (context.Request.Path.StartsWithSegments("/oauth2")) await WriteErrorAsync(context, 400, nul);
            else await WireJson.WriteAsync(response, 400, OktaErrors.Create("E0000001", "Api validation failed: query", nul), ProtocolJsonContext.Wire.OktaApiError);
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception ex) when (!response.HasStarted && BadRequestIn(ex) is { } bad)
        {
            logger.LogInformation("Bad request {Method} {Path}: {Message}", context.Request.Method, context.Request.Path, bad.Message);
            response.Clear();
            await WriteErrorAsync(context, bad.StatusCode, bad.StatusCode == 413 ? "The request body is too large." : "The request is malformed.");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!response.HasStarted && StorageOutage.IsUnavailable(ex))
        {
            _outage.Failed(ex);
            response.Clear();
            response.Headers.RetryAfter = StorageOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var error = OktaErrors.Create("E0000010", "Service unavailable: the database cannot be reached.", $"Retry after {StorageOutage.RetryAfterSeconds} seconds.");
            await WireJson.WriteAsync(response, 503, error, ProtocolJsonContext.Wire.OktaApiError);
            return;
        }
        catch (Exception ex) when (!response.HasStarted)
        {
            var error = OktaErrors.ForStatus(500);
            logger.LogError(ex, "Unhandled error {ErrorId} on {Method} {Path}", error.ErrorId, context.Request.Method, context.Request.Path);
            response.Clear();
            await WireJson.WriteAsync(response, 500, error, ProtocolJsonContext.Wire.OktaApiError);
            return;
        }

        _outage.Succeeded();
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentType is null
            && context.Features.Get<IHttpResponseBodyFeature>() is not null)
            await WriteErrorAsync(context, response.StatusCode, null);
    }

    /// <summary>The client's fault, however deep Kestrel or a reader wrapped it: always a 4xx, never a 500.</summary>
    private static BadHttpRequestException? BadRequestIn(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is BadHttpRequestException bad) return bad;
        return null;
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string? description)
    {
        if (status < 500 && context.Request.Path.StartsWithSegments("/oauth2") && status != 404 && status != 405)
            return WireJson.WriteErrorAsync(context.Response, new OAuthError(status, Errors.InvalidRequest, description ?? "The request is malformed."));
        return WireJson.WriteAsync(context.Response, status, OktaErrors.ForStatus(status), ProtocolJsonContext.Wire.OktaApiError);
    }
}
