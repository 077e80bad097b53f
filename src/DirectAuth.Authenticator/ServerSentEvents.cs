using System.Text;

namespace DirectAuth.Authenticator;

/// <summary>One server-sent event (WHATWG HTML, "server-sent events": id, event, data; comments ignored).</summary>
internal sealed record ServerSentEvent(string? Id, string Event, string Data);

/// <summary>Reads server-sent events line by line; a read that waits longer than the idle limit ends the stream.</summary>
internal static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, TimeSpan idleLimit,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? id = null, name = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                idle.CancelAfter(idleLimit);
                try { line = await reader.ReadLineAsync(idle.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new TimeoutException($"No data from the server for {idleLimit.TotalSeconds:0} s."); }
            }
            if (line is null) yield break;
            if (line.Length == 0)
            {
                if (data.Length > 0) yield return new ServerSentEvent(id, name ?? "message", data.ToString(0, data.Length - 1));
                name = null;
                data.Clear();
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Append(value).Append('\n'); break;
            }
        }
    }
}
