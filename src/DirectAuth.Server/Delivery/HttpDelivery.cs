using System.Net;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// Sends one request to a provider with retries: a 5xx answer, a timeout or a connection error is tried
/// again (after <c>RetryDelayMilliseconds</c>, doubled each time) up to <c>MaxAttempts</c>; a 4xx answer is
/// final, because sending the same request again would get the same answer. The same message (same code,
/// same id) is sent each time, so a retry after a lost answer at worst delivers the same code twice.
/// </summary>
public sealed class HttpDelivery(IHttpClientFactory clients, ILogger<HttpDelivery> logger)
{
    public const string ClientName = "DirectAuth.Delivery";

    /// <summary>The answer of a successful attempt: status and body.</summary>
    public sealed record Answer(HttpStatusCode Status, string Body);

    /// <summary>Describes a final 4xx answer for the failure text (e.g. the provider's own error message).</summary>
    public delegate string DescribeRejection(HttpStatusCode status, string body);

    /// <param name="code">The code the message carries: blanked out of the failure text (a provider's error body may echo the request).</param>
    public async Task<(Answer? Answer, string? Failure, int Attempts)> SendAsync(
        string provider, Func<HttpRequestMessage> request, HttpProviderSettings settings, DescribeRejection describe, string code, CancellationToken ct)
    {
        var http = clients.CreateClient(ClientName);
        string failure = "not attempted";
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            if (attempt > 1)
                await Task.Delay(TimeSpan.FromMilliseconds(settings.RetryDelayMilliseconds * Math.Pow(2, attempt - 2)), ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.TimeoutMilliseconds);
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300) return (new Answer(response.StatusCode, body), null, attempt);
                if (status < 500)
                {
                    failure = Redact(describe(response.StatusCode, body), code);
                    logger.LogWarning("{Provider} refused the message (attempt {Attempt}, not retried): {Failure}", provider, attempt, failure);
                    return (null, failure, attempt);
                }
                failure = $"{provider} answered HTTP {status}";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"{provider} did not answer within {settings.TimeoutMilliseconds} ms";
            }
            catch (HttpRequestException ex)
            {
                failure = $"{provider} could not be reached: {ex.Message}";
            }
            logger.LogWarning("Delivery through {Provider} failed (attempt {Attempt} of {Max}): {Failure}", provider, attempt, settings.MaxAttempts, failure);
        }
        return (null, failure + $" (after {settings.MaxAttempts} attempts)", settings.MaxAttempts);
    }

    /// <summary><paramref name="text"/> without <paramref name="code"/>: no code in a log line or an event.</summary>
    public static string Redact(string text, string code) =>
        code.Length == 0 ? text : text.Replace(code, new string('*', code.Length), StringComparison.Ordinal);

    /// <summary>The first characters of a body, for a failure text that must stay short.</summary>
    public static string Snippet(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
