using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DirectAuth.Server.Settings;
using Microsoft.Extensions.Options;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace DirectAuth.Server.Http;

/// <summary>Reads a management API JSON body; anything malformed becomes Okta's E0000003 (400), never a 500.</summary>
public sealed class JsonBody(IOptions<DirectAuthOptions> options)
{
    /// <summary>The management API's JSON options, with their metadata ready for <see cref="UnknownField"/>.</summary>
    private static readonly JsonSerializerOptions Options = ReadOnly(new JsonSerializerOptions(WireJson.Web));

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions json)
    {
        json.MakeReadOnly(populateMissingResolver: true);
        return json;
    }

    public async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, new OktaErrorResult(415, OktaErrors.Create("E0000003", "The request body was not well-formed.", "Content-Type must be application/json")));
        var max = options.Value.Limits.MaxRequestBodyBytes;
        var bytes = await BodyReader.ReadAtMostAsync(request, max, request.HttpContext.RequestAborted);
        if (bytes is null)
            return (null, new OktaErrorResult(413, OktaErrors.Create("E0000003", "The request body was not well-formed.", $"The body is larger than {max} bytes")));
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(bytes);
            // PostgreSQL cannot store NUL in text, and no field needs it: refuse it everywhere.
            if (HasNul(document.RootElement)) return (null, Malformed("The body must not contain NUL characters"));
            if (document is T asDocument)
            {
                document = null; // the caller owns it now
                return (asDocument, null);
            }
            if (UnknownField(document.RootElement, Options.GetTypeInfo(typeof(T)), "") is { } unknown)
                return (null, UnknownFieldError(unknown));
            var value = document.Deserialize<T>(Options);
            if (value is null) return (null, Malformed("The body must be a JSON object"));
            return (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Malformed(ex.Path is { Length: > 1 } path ? $"Invalid value at {path}" : "The body is not valid JSON"));
        }
        catch (Exception ex) when (ex is DecoderFallbackException or InvalidOperationException)
        {
            // JsonDocument checks the UTF-8 inside strings only when they are read.
            return (null, Malformed("The body is not valid UTF-8"));
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>
    /// Reads a body that must be a JSON object, for handlers that look at it field by field; <typeparamref name="TShape"/>
    /// lists the fields they read (its properties, nested records for nested objects), so any other field is refused.
    /// </summary>
    public async Task<(JsonElement Value, IResult? Error)> ReadObjectAsync<TShape>(HttpRequest request)
    {
        var (document, error) = await ReadAsync<JsonDocument>(request);
        if (document is null) return (default, error);
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (default, Malformed("The body must be a JSON object"));
            if (UnknownField(document.RootElement, Options.GetTypeInfo(typeof(TShape)), "") is { } unknown)
                return (default, UnknownFieldError(unknown));
            return (document.RootElement.Clone(), null);
        }
    }

    private static OktaErrorResult UnknownFieldError(string path) =>
        Validation.Failed(path, $"'{path}' is not a field of this resource; nothing was changed");

    /// <summary>
    /// Top-level fields the server writes in its own representations and never takes from a body: a client
    /// that sends back a resource it read (read, modify, write, as Okta's management clients do) has them
    /// ignored rather than refused.
    /// </summary>
    public static readonly IReadOnlySet<string> ServerOwned = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "created", "lastUpdated", "activated", "statusChanged", "lastLogin", "passwordChanged", "lastMembershipUpdated",
        "status", "type", "system", "objectClass", "policyId", "issuer", "_links", "_embedded",
    };

    /// <summary>
    /// The path of the first field the request type does not know (a misspelt <c>numberChalenge</c>), so the
    /// client learns of it instead of getting a 200 that changed nothing. A type marked
    /// <c>[JsonUnmappedMemberHandling(Skip)]</c> (RFC 7591 client metadata, which must ignore unknown names) is not checked.
    /// </summary>
    private static string? UnknownField(JsonElement element, JsonTypeInfo info, string path)
    {
        if (info.Kind == JsonTypeInfoKind.Enumerable && element.ValueKind == JsonValueKind.Array && info.ElementType is { } itemType)
        {
            var itemInfo = info.Options.GetTypeInfo(itemType);
            var i = 0;
            foreach (var item in element.EnumerateArray())
                if (UnknownField(item, itemInfo, $"{path}[{i++}]") is { } found) return found;
            return null;
        }
        if (info.Kind != JsonTypeInfoKind.Object || element.ValueKind != JsonValueKind.Object
            || info.UnmappedMemberHandling == JsonUnmappedMemberHandling.Skip)
            return null;
        var comparison = info.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var field in element.EnumerateObject())
        {
            var name = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, field.Name, comparison));
            if (property is null)
            {
                if (path.Length == 0 && ServerOwned.Contains(field.Name)) continue;
                return name;
            }
            if (UnknownField(field.Value, info.Options.GetTypeInfo(property.PropertyType), name) is { } found) return found;
        }
        return null;
    }

    private static bool HasNul(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Any(HasNul),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || HasNul(p.Value)),
        _ => false,
    };

    private static OktaErrorResult Malformed(string cause) =>
        new(400, OktaErrors.Create("E0000003", "The request body was not well-formed.", cause));
}

/// <summary>Okta's "Api validation failed" (E0000001) with one cause per problem.</summary>
public static class Validation
{
    public static OktaErrorResult Failed(string field, params string[] causes) =>
        new(400, OktaErrors.Create("E0000001", $"Api validation failed: {field}", causes));

    public static OktaErrorResult NotFound(string what) =>
        new(404, OktaErrors.Create("E0000007", $"Not found: Resource not found: {what}"));
}
