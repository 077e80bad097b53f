using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary>The management API answered with an error; <see cref="Exception.Message"/> is the one line to show.</summary>
public sealed class ApiErrorException(string message, int status = 0) : Exception(message)
{
    /// <summary>The HTTP status the API answered with (0 when the error did not come from the API).</summary>
    public int Status { get; } = status;
}

/// <summary>The server could not be reached, or the command line cannot talk to it at all (no token, bad URL).</summary>
public sealed class ConnectionProblemException(string message) : Exception(message);

/// <summary>A successful answer: the raw body (printed by <c>--json</c>), parsed, and the <c>Link: rel="next"</c> URL if any.</summary>
public sealed record ApiResponse(int Status, string Body, JsonElement Json, string? NextLink);

/// <summary>Calls the management API with <c>Authorization: SSWS {token}</c> and turns failures into one-line errors.</summary>
public sealed class ManagementClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _server;

    private ManagementClient(HttpClient http, string server)
    {
        _http = http;
        _server = server;
    }

    /// <summary>A bare HttpClient for the management API: base URL and <c>Authorization: SSWS {token}</c>.</summary>
    public static HttpClient Create(string server, string? token)
    {
        if (string.IsNullOrEmpty(token))
            throw new InvalidOperationException("No admin token: pass --token or set DIRECTAUTH_ADMIN_TOKEN.");
        var client = new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A client whose calls return <see cref="ApiResponse"/> or throw the one-line errors <see cref="AdminAction"/> prints.</summary>
    public static ManagementClient Connect(string server, string? token)
    {
        if (string.IsNullOrEmpty(token))
            throw new ConnectionProblemException("No admin token: pass --token or set DIRECTAUTH_ADMIN_TOKEN.");
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new ConnectionProblemException($"'{server}' is not an http(s) URL; pass --server or set DIRECTAUTH_URL.");
        var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("directauth-cli", "1.0"));
        return new ManagementClient(http, baseUri.ToString().TrimEnd('/'));
    }

    public Task<ApiResponse> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiResponse> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<ApiResponse> PutAsync(string path, object body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, ct);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, CliJson.Options), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, ct);
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectionProblemException($"Cannot reach the DirectAuth server at {_server}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ConnectionProblemException($"The DirectAuth server at {_server} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }
        using (response)
        {
            var json = TryParse(text);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) throw new ApiErrorException(DescribeError(status, json, text) + TokenHint(status), status);
            return new ApiResponse((int)response.StatusCode, text, json, NextLink(response));
        }
    }

    /// <summary>
    /// 401 and 403 from the management API mean the SSWS token was refused (wrong, or not the admin token);
    /// say where the token came from, never the token itself.
    /// </summary>
    private static string TokenHint(int status) => status is 401 or 403
        ? ". The server refused the admin token: check DIRECTAUTH_ADMIN_TOKEN or --token."
        : "";

    /// <summary>The resource at <paramref name="path"/>, or null when the API answers 404.</summary>
    public async Task<ApiResponse?> FindAsync(string path, CancellationToken ct)
    {
        try { return await GetAsync(path, ct); }
        catch (ApiErrorException e) when (e.Status == 404) { return null; }
    }

    /// <summary>Okta errors: summary, causes and code; OAuth errors: error and description; anything else: the status.</summary>
    public static string DescribeError(int status, JsonElement json, string text)
    {
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("errorSummary", out var summary))
        {
            var causes = json.TryGetProperty("errorCauses", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Select(x => x.TryGetProperty("errorSummary", out var s) ? s.GetString() : null).Where(s => !string.IsNullOrEmpty(s)).ToList()
                : [];
            var code = json.TryGetProperty("errorCode", out var e) ? e.GetString() : null;
            var line = summary.GetString() + (causes.Count > 0 ? " — " + string.Join("; ", causes) : "");
            return $"{line} ({code}, HTTP {status})";
        }
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error))
        {
            var description = json.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            return $"{error.GetString()}: {description} (HTTP {status})";
        }
        var snippet = text.Length > 200 ? text[..200] + "…" : text;
        return $"The server answered HTTP {status}{(snippet.Length > 0 ? ": " + snippet.ReplaceLineEndings(" ") : "")}";
    }

    private static JsonElement TryParse(string text)
    {
        if (text.Length == 0) return default;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException) { return default; }
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var trimmed = link.Trim();
            var end = trimmed.IndexOf('>', StringComparison.Ordinal);
            if (trimmed.StartsWith('<') && end > 0 && trimmed.Contains("rel=\"next\"", StringComparison.Ordinal)) return trimmed[1..end];
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
