using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DirectAuth.Server.Http;

/// <summary>Writes JSON the way every client expects it: <c>Content-Type: application/json</c> exactly.</summary>
public static class WireJson
{
    public const string ContentType = "application/json";

    /// <summary>Options for management API and other camelCase bodies.</summary>
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync<T>(HttpResponse response, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, value, typeInfo, response.HttpContext.RequestAborted);
    }

    public static async Task WriteAsync(HttpResponse response, int status, object value, JsonSerializerOptions? options = null)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, value, value.GetType(), options ?? Web, response.HttpContext.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpResponse response, OAuthError error)
    {
        if (error.Headers is not null)
            foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        return WriteAsync(response, error.Status, error.ToBody(), Protocol.ProtocolJsonContext.Wire.ErrorResponse);
    }
}

/// <summary>An endpoint result that writes a JSON body with the exact content type.</summary>
public sealed class JsonBodyResult(object value, int status = 200) : IResult
{
    /// <summary>The body, for a caller that reshapes another endpoint's answer (the MyAccount API rewrites factor links).</summary>
    public object Value => value;
    public int Status => status;

    public Task ExecuteAsync(HttpContext httpContext) => WireJson.WriteAsync(httpContext.Response, status, value);
}

/// <summary>An endpoint result for an OAuth error.</summary>
public sealed class OAuthErrorResult(OAuthError error) : IResult
{
    public OAuthError Error { get; } = error;

    public Task ExecuteAsync(HttpContext httpContext) => WireJson.WriteErrorAsync(httpContext.Response, Error);
}

/// <summary>An endpoint result for a source-generated JSON body.</summary>
public sealed class WireResult<T>(int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => WireJson.WriteAsync(httpContext.Response, status, value, typeInfo);
}
