using System.Text;

namespace DirectAuth.Server.Http;

/// <summary>
/// The parameters of an <c>application/x-www-form-urlencoded</c> body, parsed strictly: invalid UTF-8
/// (raw or percent-encoded), malformed escapes and NUL characters are refused rather than replaced, and a name given twice
/// is remembered so the endpoint can answer <c>invalid_request</c>.
/// </summary>
public sealed class FormBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Dictionary<string, string> _values;

    private FormBody(Dictionary<string, string> values, string? duplicate)
    {
        _values = values;
        Duplicate = duplicate;
    }

    public static FormBody Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal), null);

    /// <summary>The first parameter name that appeared more than once, if any.</summary>
    public string? Duplicate { get; }

    /// <summary>The value, or null when absent. An empty value counts as absent (RFC 6749 section 3.1).</summary>
    public string? this[string name] => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public bool Has(string name) => this[name] is not null;

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parses the body; returns null with <paramref name="error"/> set when it is not valid form data.</summary>
    public static FormBody? Parse(ReadOnlySpan<byte> body, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? duplicate = null;
        var buffer = new byte[body.Length];
        while (!body.IsEmpty)
        {
            var amp = body.IndexOf((byte)'&');
            var pair = amp < 0 ? body : body[..amp];
            body = amp < 0 ? [] : body[(amp + 1)..];
            if (pair.IsEmpty) continue;
            var eq = pair.IndexOf((byte)'=');
            var name = Decode(eq < 0 ? pair : pair[..eq], buffer);
            var value = Decode(eq < 0 ? [] : pair[(eq + 1)..], buffer);
            if (name is null || value is null)
            {
                error = "The request body is not valid UTF-8 form data.";
                return null;
            }
            // No parameter legitimately holds NUL, and PostgreSQL cannot store it in text: refuse it here.
            if (name.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
            {
                error = "The request body must not contain NUL characters.";
                return null;
            }
            if (!values.TryAdd(name, value)) duplicate ??= name;
        }
        return new FormBody(values, duplicate);
    }

    private static string? Decode(ReadOnlySpan<byte> raw, byte[] buffer)
    {
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'+') buffer[n++] = (byte)' ';
            else if (b == (byte)'%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2])) return null;
                buffer[n++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else buffer[n++] = b;
        }
        try { return StrictUtf8.GetString(buffer, 0, n); }
        catch (DecoderFallbackException) { return null; }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
