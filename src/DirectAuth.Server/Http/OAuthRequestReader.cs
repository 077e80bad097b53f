using DirectAuth.Server.Settings;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DirectAuth.Server.Http;

/// <summary>Reads an OAuth endpoint's form body, enforcing the contract's request rules before any parameter is looked at.</summary>
public sealed class OAuthRequestReader(IOptions<DirectAuthOptions> options)
{
    private readonly int _maxBytes = options.Value.Limits.MaxRequestBodyBytes;

    public async Task<(FormBody? Form, OAuthError? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return (null, OAuthError.InvalidRequest("The request must have Content-Type application/x-www-form-urlencoded."));
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return (null, OAuthError.InvalidRequest("The request body must be UTF-8."));
        if (request.ContentLength > _maxBytes) return (null, TooLarge());

        var body = await BodyReader.ReadAtMostAsync(request, _maxBytes, ct);
        if (body is null) return (null, TooLarge());
        var form = FormBody.Parse(body, out var error);
        if (form is null) return (null, OAuthError.InvalidRequest(error!));
        if (form.Duplicate is { } name) return (null, OAuthError.InvalidRequest($"The '{name}' parameter was given more than once."));
        return (form, null);
    }

    private OAuthError TooLarge() => new(413, Protocol.Errors.InvalidRequest, $"The request body is larger than {_maxBytes} bytes.");
}

public static class BodyReader
{
    /// <summary>
    /// Reads the whole body, or returns null as soon as it exceeds <paramref name="maxBytes"/>. A body Kestrel
    /// cannot decode (a chunk size that overflows, say, which it reports as an <see cref="IOException"/> rather
    /// than a <see cref="BadHttpRequestException"/>) becomes a <see cref="BadHttpRequestException"/> (400).
    /// </summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        try
        {
            return await ReadCoreAsync(request, maxBytes, ct);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !ct.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The request body is malformed: " + ex.Message, StatusCodes.Status400BadRequest, ex);
        }
    }

    private static async Task<byte[]?> ReadCoreAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        // With a Content-Length (the usual case) read straight into an array of that size: no 8 KB chunk and
        // no growing stream per request. A body that is longer than it said is refused by Kestrel itself.
        if (request.ContentLength is { } length and >= 0 and <= int.MaxValue)
        {
            if (length > maxBytes) return null;
            var body = new byte[length];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), ct)) > 0) filled += got;
            // Kestrel ends the body at its Content-Length (this read returns 0 at once); a host that does not
            // (an in-process test server, a proxy feeding the stream) must not get a longer body past the limit.
            if (filled == body.Length && await request.Body.ReadAsync(new byte[1], ct) > 0) return null;
            return filled == body.Length ? body : body[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
