using System.Globalization;
using System.Text;

namespace DirectAuth.Server.Observability;

/// <summary>
/// Log injection defence: request values (a client_id, a login, a path) are written to log lines and system
/// log events with their control characters escaped, so a value cannot start a forged line (CR, LF, U+0085,
/// U+2028, U+2029), recolour or erase a terminal (ESC and the other C0/C1 controls), or reorder text (the
/// Unicode bidirectional overrides). <c>\n</c>, <c>\r</c> and <c>\t</c> are written as such, the others as
/// <c>\uXXXX</c>. A backslash itself is left alone, so ordinary text reads as it was sent.
/// </summary>
public static class LogText
{
    public static string Escape(string value)
    {
        var i = 0;
        while (i < value.Length && !NeedsEscape(value[i])) i++;
        if (i == value.Length) return value;

        var text = new StringBuilder(value.Length + 16).Append(value, 0, i);
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (!NeedsEscape(c)) text.Append(c);
            else text.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return text.ToString();
    }

    public static string? EscapeOrNull(string? value) => value is null ? null : Escape(value);

    /// <summary>C0 and C1 controls and DEL, the line and paragraph separators, and the bidirectional embeddings, overrides and isolates.</summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
