using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace DirectAuth.Client.Internal;

/// <summary>
/// One HTTP answer, read leniently: the SDK must cope with what real servers send (Okta's among them), so a field
/// is looked up by name, numbers may arrive as strings, optional fields may be missing, and a body that is not a
/// JSON object is kept as text for the error message.
/// </summary>
internal sealed class WireResponse
{
    private readonly JsonElement _root;

    private WireResponse(int status, JsonElement root, bool isObject, string text, DateTimeOffset? rateLimitReset)
    {
        Status = status;
        _root = root;
        IsJsonObject = isObject;
        Text = text;
        RateLimitReset = rateLimitReset;
    }

    public int Status { get; }
    public bool IsJsonObject { get; }
    public string Text { get; }
    public DateTimeOffset? RateLimitReset { get; }

    public static WireResponse From(int status, string text, HttpResponseHeaders headers)
    {
        DateTimeOffset? reset = null;
        if (headers.TryGetValues("X-Rate-Limit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
            && epoch is > 0 and < 253402300799)
            reset = DateTimeOffset.FromUnixTimeSeconds(epoch);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement.Clone();
            return new WireResponse(status, root, root.ValueKind == JsonValueKind.Object, text, reset);
        }
        catch (JsonException)
        {
            return new WireResponse(status, default, false, text, reset);
        }
    }

    /// <summary>A string field; a number is given as its text (Okta's <c>binding_code</c> is a string, but be kind).</summary>
    public string? String(string name) => Field(name) switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Number } e => e.GetRawText(),
        _ => null,
    };

    /// <summary>An integer field, also from a numeric string; null when missing, not a number, or not positive-sized.</summary>
    public long? Integer(string name) => Field(name) switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } e when e.TryGetDouble(out var d) && d is >= 0 and < 1e9 => (long)d,
        { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>A string array field (e.g. <c>grant_types_supported</c>); empty when missing.</summary>
    public IReadOnlyList<string> Strings(string name) => Field(name) is { ValueKind: JsonValueKind.Array } array
        ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
        : [];

    /// <summary>A field as it is (an object, an array, ...); null when missing.</summary>
    public JsonElement? Element(string name) => Field(name);

    private JsonElement? Field(string name) =>
        IsJsonObject && _root.TryGetProperty(name, out var value) ? value : null;
}
