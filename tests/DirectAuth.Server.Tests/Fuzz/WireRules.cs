using System.Text.Json;

namespace DirectAuth.Server.Tests.Fuzz;

/// <summary>
/// What every answer to a fuzzed request must keep (PROTOCOL.md section 2): no 5xx; an error body is JSON
/// (<c>application/json</c> exactly, <c>Cache-Control: no-store</c>) of one of the contract's two shapes, OAuth
/// (<c>error</c>, <c>error_description</c>) or Okta (<c>errorCode</c>, <c>errorSummary</c>, <c>errorLink</c>,
/// <c>errorId</c>, <c>errorCauses</c>); a token answer is not cached. Returns the broken rule, or null.
/// </summary>
public static class WireRules
{
    public static string? Check(string method, string path, int status, string? contentType, string? cacheControl, string body)
    {
        if (status >= 500) return $"status {status}";
        if (method == "HEAD") return null;
        var isJson = contentType == "application/json";
        if (body.Length > 0 && !isJson && !OtherTypeAllowed(path, status, contentType))
            return $"Content-Type '{contentType}' (expected exactly application/json)";
        if (status >= 400)
        {
            if (!isJson) return $"error {status} without a JSON body (Content-Type '{contentType}')";
            if (cacheControl?.Contains("no-store", StringComparison.Ordinal) != true) return $"error {status} with Cache-Control '{cacheControl}'";
            if (ErrorShapeProblem(body) is { } problem) return $"error {status}: {problem}";
        }
        if (status == 200 && path.Contains("/v1/token", StringComparison.Ordinal) && cacheControl?.Contains("no-store", StringComparison.Ordinal) != true)
            return $"token answer with Cache-Control '{cacheControl}'";
        return null;
    }

    /// <summary>The two non-JSON answers the server has: a TOTP QR code image and the push event stream.</summary>
    private static bool OtherTypeAllowed(string path, int status, string? contentType) => status < 400 &&
        (path.Contains("/qr/", StringComparison.Ordinal) && contentType == "image/png"
         || path.StartsWith(Protocol.PushDeviceApi.EventsPath, StringComparison.Ordinal) && contentType == "text/event-stream");

    public static string? ErrorShapeProblem(string body)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { return "the body is not JSON: " + Short(body); }
        if (root.ValueKind != JsonValueKind.Object) return "the body is not a JSON object: " + Short(body);
        if (root.TryGetProperty("error", out var error))
            return error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0
                && root.TryGetProperty("error_description", out var description) && description.ValueKind == JsonValueKind.String
                ? null : "an OAuth error without string error and error_description: " + Short(body);
        foreach (var name in new[] { "errorCode", "errorSummary", "errorLink", "errorId" })
            if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
                return $"an Okta error without a string {name}: " + Short(body);
        return root.TryGetProperty("errorCauses", out var causes) && causes.ValueKind == JsonValueKind.Array
            ? null : "an Okta error without an errorCauses array: " + Short(body);
    }

    public static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
