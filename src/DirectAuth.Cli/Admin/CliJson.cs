using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectAuth.Cli.Admin;

/// <summary>Reading the API's JSON for tables, and writing request bodies.</summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The string (or number, or boolean) at <paramref name="path"/>, or null.</summary>
    public static string? Str(this JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            JsonValueKind.Array => string.Join(" ", element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            _ => null,
        };
    }

    /// <summary>An ISO 8601 time as <c>yyyy-MM-dd HH:mm:ss</c> UTC, for tables.</summary>
    public static string? Time(this JsonElement element, params string[] path) =>
        element.Str(path) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];
}
