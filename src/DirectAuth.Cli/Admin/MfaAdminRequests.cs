using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// Calls the management API for the factors, policies and groups commands: JSON in and out, and an Okta
/// error body turned into a readable message on stderr with exit code 1.
/// </summary>
internal static class MfaAdminRequests
{
    public sealed class ApiException(string message) : Exception(message);

    public static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    /// <summary>Runs a command body with the management client; failures print to stderr and exit 1.</summary>
    public static async Task<int> RunAsync(System.CommandLine.ParseResult parse, Func<HttpClient, Task> body)
    {
        try
        {
            using var http = ManagementClient.Create(parse.GetValue(AdminCommand.Server)!, parse.GetValue(AdminCommand.Token));
            await body(http);
            return 0;
        }
        catch (Exception ex) when (ex is ApiException or InvalidOperationException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    public static Task<JsonElement> GetAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null);

    public static Task<JsonElement> PostAsync(HttpClient http, string path, object? body) => SendAsync(http, HttpMethod.Post, path, body);

    public static Task<JsonElement> PutAsync(HttpClient http, string path, object? body) => SendAsync(http, HttpMethod.Put, path, body);

    public static Task<JsonElement> DeleteAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Delete, path, null);

    public static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new ApiException(Describe((int)response.StatusCode, text));
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A path segment, escaped (logins contain '@' and may contain '/').</summary>
    public static string Seg(string value) => Uri.EscapeDataString(value);

    public static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())),
            _ => v.GetRawText(),
        } : "";

    public static void PrintJson(JsonElement e) => Console.WriteLine(JsonSerializer.Serialize(e, Pretty));

    /// <summary>Prints rows as aligned columns under a header.</summary>
    public static void PrintTable(string[] header, IEnumerable<string[]> rows)
    {
        var all = new[] { header }.Concat(rows).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            Console.WriteLine(string.Join("  ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
    }

    private static string Describe(int status, string text)
    {
        try
        {
            var e = JsonDocument.Parse(text).RootElement;
            if (e.TryGetProperty("errorSummary", out var summary))
            {
                var causes = e.TryGetProperty("errorCauses", out var c) && c.ValueKind == JsonValueKind.Array
                    ? c.EnumerateArray().Select(x => Str(x, "errorSummary")).Where(x => x.Length > 0).ToList() : [];
                var message = new StringBuilder($"{status} {Str(e, "errorCode")} {summary.GetString()}");
                foreach (var cause in causes) message.Append($"; {cause}");
                return message.ToString();
            }
            if (e.TryGetProperty("error", out var error)) return $"{status} {error.GetString()}: {Str(e, "error_description")}";
        }
        catch (JsonException) { }
        return $"HTTP {status}";
    }
}
