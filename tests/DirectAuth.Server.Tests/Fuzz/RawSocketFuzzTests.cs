using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using DirectAuth.Server.Tests.EndToEnd;

namespace DirectAuth.Server.Tests.Fuzz;

/// <summary>The real server process for raw-byte fuzzing: framing an in-process test server never sees.</summary>
public sealed class RawFuzzServerFixture : IAsyncLifetime
{
    public const string AdminToken = "raw-fuzz-admin-token-0123456789";

    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start([], new Dictionary<string, string>
        {
            ["DIRECTAUTH_ADMIN_TOKEN"] = AdminToken,
            ["DIRECTAUTH_RATELIMITS__TOKEN__LIMIT"] = "1000000",
            ["DIRECTAUTH_RATELIMITS__OAUTH__LIMIT"] = "1000000",
            ["DIRECTAUTH_PASSWORDS__ITERATIONS"] = "10000",
        });
        await Server.WaitForOutputAsync(o => o.Contains("Now listening on", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Bounded raw-byte fuzz over TCP to real Kestrel: request lines, headers and bodies (Content-Length and
/// chunked framing, chunk sizes that overflow or are not hex, extensions, trailers, garbage after the body)
/// built and mutated from a seed. Every answer is a 4xx or better: what reaches the server's code is JSON of the
/// contract's shape, with no-store; what Kestrel refuses itself before any endpoint runs (a request line or a
/// header it cannot parse) is a 4xx with an empty body — or 505 for an HTTP version it does not speak.
/// </summary>
public sealed class RawSocketFuzzTests(RawFuzzServerFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RawFuzzServerFixture>
{
    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("DIRECTAUTH_FUZZ_RAW_COUNT"), out var c) ? c : 800;

    private static readonly (string Method, string Path, string ContentType, string Body)[] Seeds =
    [
        ("POST", "/oauth2/default/v1/token", "application/x-www-form-urlencoded", "grant_type=password&client_id=0oaFuzz&username=a%40b.c&password=x&scope=openid"),
        ("POST", "/oauth2/v1/token", "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=openid"),
        ("POST", "/oauth2/default/v1/challenge", "application/x-www-form-urlencoded", "client_id=0oaFuzz&mfa_token=x&challenge_types_supported=http%3A%2F%2Fauth0.com%2Foauth%2Fgrant-type%2Fmfa-oob"),
        ("POST", "/oauth2/default/v1/primary-authenticate", "application/x-www-form-urlencoded", "client_id=0oaFuzz&login_hint=a%40b.c&channel_hint=push"),
        ("POST", "/oauth2/default/v1/oob-authenticate", "application/x-www-form-urlencoded", "client_id=0oaFuzz&login_hint=a%40b.c&channel_hint=sms"),
        ("POST", "/oauth2/default/v1/introspect", "application/x-www-form-urlencoded", "client_id=0oaFuzz&token=abc"),
        ("POST", "/oauth2/default/v1/revoke", "application/x-www-form-urlencoded", "client_id=0oaFuzz&token=abc"),
        ("POST", "/oauth2/default/v1/userinfo", "application/x-www-form-urlencoded", "access_token=abc"),
        ("GET", "/oauth2/default/v1/keys", "", ""),
        ("GET", "/oauth2/default/.well-known/openid-configuration", "", ""),
        ("POST", "/api/v1/users?activate=true", "application/json", "{\"profile\":{\"login\":\"raw@example.com\",\"email\":\"raw@example.com\",\"firstName\":\"R\",\"lastName\":\"F\"}}"),
        ("PUT", "/api/v1/policies/default/rules/x", "application/json", "{\"numberChallenge\":\"always\"}"),
        ("POST", "/oauth2/v1/clients", "application/json", "{\"client_name\":\"raw\",\"grant_types\":[\"password\"]}"),
        ("POST", "/api/v1/authenticators/push/answer", "application/jose", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"),
        ("GET", "/api/v1/authenticators/push/events", "", ""),
        ("POST", "/oauth2/default/v1/primary-authenticate", "application/x-www-form-urlencoded", "client_id=0oaFuzz&challenge_hint=urn%3Aokta%3Aparams%3Aoauth%3Agrant-type%3Awebauthn&login_hint=a%40b.c"),
        ("POST", "/oauth2/default/v1/token", "application/x-www-form-urlencoded", "grant_type=urn%3Aokta%3Aparams%3Aoauth%3Agrant-type%3Awebauthn&client_id=0oaFuzz&clientDataJSON=e30&authenticatorData=AAAA&signature=AAAA"),
        ("GET", "/.well-known/assetlinks.json", "", ""),
    ];

    [Fact]
    public async Task RealKestrel_SeededRawRequests_No5xxAndErrorsAreJson()
    {
        var seed = HttpFuzzTests.Seed;
        var failures = new ConcurrentBag<string>();
        var answered = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (index, ct) =>
        {
            var random = new Random(seed * 17 + index);
            var (bytes, versionChanged) = Build(random);
            var (head, body, error) = await SendAsync(bytes);
            var description = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 400)]).Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
            if (error is not null) { failures.Add($"#{index}: {error}\n    {description}"); return; }
            if (head is null) return; // closed without an answer: nothing to judge, and no 5xx
            var status = head.Split(' ').ElementAtOrDefault(1) ?? "?";
            answered.AddOrUpdate(head.Contains("Content-Type: application/json", StringComparison.OrdinalIgnoreCase) ? $"json {status}" : $"bare {status}", 1, (_, n) => n + 1);
            var problem = Judge(head, body, versionChanged);
            if (problem is not null) failures.Add($"#{index}: {problem}\n    {description}\n    -> {head.Split("\r\n")[0]} {WireRules.Short(body)}");
        });

        Assert.True(failures.IsEmpty, $"seed {seed} ({Count} raw requests; DIRECTAUTH_FUZZ_SEED={seed} repeats them): {failures.Count} broke a rule\n" +
            string.Join("\n", failures.OrderBy(f => int.Parse(f[1..f.IndexOf(':')])).Take(25)) + "\nserver output tail:\n" + Tail(fixture.Server.Output));
        var seen = string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"));
        output.WriteLine($"seed {seed}, {Count} raw requests: {seen}");
        // Not a vacuous pass: most requests reach the endpoints (a JSON answer), the rest Kestrel's own refusals.
        Assert.True(answered.Where(a => a.Key.StartsWith("json", StringComparison.Ordinal)).Sum(a => a.Value) >= Count / 3, seen);
    }

    private static string Tail(string output) => output.Length > 4000 ? output[^4000..] : output;

    private static string? Judge(string head, string body, bool versionChanged)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length < 2 || !int.TryParse(parts[1], out var status)) return "no status line";
        if (status == 505 && versionChanged) return null; // HTTP Version Not Supported, Kestrel's answer to e.g. HTTP/1.2
        var contentType = Header(lines, "Content-Type");
        if (contentType is null && status >= 400 && status < 500 && body.Length == 0) return null; // refused by Kestrel before any endpoint
        return WireRules.Check("POST", "", status, contentType, Header(lines, "Cache-Control"), body);
    }

    private static string? Header(string[] lines, string name) =>
        lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    /// <summary>A request, and whether its HTTP version was changed.</summary>
    private (byte[] Bytes, bool VersionChanged) Build(Random r)
    {
        var (method, path, contentType, bodyText) = Seeds[r.Next(Seeds.Length)];
        var body = Encoding.UTF8.GetBytes(bodyText);
        var version = "HTTP/1.1";
        var versionChanged = false;
        var headers = new List<string> { "Host: 127.0.0.1", "Connection: close" };
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal) && r.Next(4) > 0) headers.Add("Authorization: SSWS " + RawFuzzServerFixture.AdminToken);
        if (contentType.Length > 0) headers.Add("Content-Type: " + contentType);
        var framing = "length";

        for (var m = r.Next(1, 4); m > 0; m--)
        {
            switch (r.Next(16))
            {
                case 0: method = Pick(r, ["get", "P0ST", "POST ", "", "M-SEARCH", new string('A', 300), "GET\u0001", "CONNECT", "PRI"]); break;
                case 1: path = Pick(r, ["*", "http://127.0.0.1" + path, "//" + path, path + "%", path + "%zz", path + "#frag", path + "?%00", path + "\u00ff", "/" + new string('a', 9000), path.Replace("/", "\\"), "../" + path, path + " x", path + "?" + new string('q', 20000)]); break;
                case 2: version = Pick(r, ["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/1", "HTTPS/1.1", "http/1.1", "HTTP/1.1 ", ""]); versionChanged = true; break;
                case 3: headers.Add(Pick(r, ["NoColon", ": empty-name", "Bad Name: x", "X-Null: a\0b", "X-Long: " + new string('v', 40000), " folded: x", "X-Tab:\tx", "X-Utf8: \u00e9\u00e8", "X-Ctl: \u0001\u0002", "Host: second.example"])); break;
                case 4: framing = Pick(r, ["chunked", "chunked-overflow", "chunked-badhex", "chunked-negative", "chunked-ext", "chunked-trailer", "chunked-longdata", "chunked-leadingzeros", "chunked-and-length", "te-gzip", "te-identity"]); break;
                case 5: framing = Pick(r, ["length-short", "length-nonnumeric", "length-negative", "length-double", "length-plus", "length-huge-hex", "no-length"]); break;
                case 6: body = RandomBytes(r, r.Next(0, 600)); break;
                case 7: body = Encoding.UTF8.GetBytes(Pick(r, ["%", "a=%GG", "\0\0\0", "{\"a\":", "[" + new string('[', 3000), "grant_type=" + new string('x', 70000), "\uFEFF{}", "a=1&a=2"])); break;
                case 8: headers.RemoveAll(h => h.StartsWith("Host:", StringComparison.Ordinal)); break;
                case 9: headers.Add("Expect: " + Pick(r, ["100-continue", "200-ok", "x"])); break;
                case 10: headers.Add("Content-Encoding: " + Pick(r, ["gzip", "deflate", "br", "x"])); break;
                case 11: headers.Add("Content-Type: " + Pick(r, ["text/plain", "application/json; charset=\"", "application/x-www-form-urlencoded; charset=utf-7", "multipart/form-data"])); break;
                case 12: headers.Add("Authorization: " + Pick(r, ["Basic %%%", "Basic " + new string('A', 5000), "Bearer", "SSWS \u00ff", "Basic Og==", "Negotiate x"])); break;
                case 13: headers.Add("Upgrade: " + Pick(r, ["h2c", "websocket", "x"])); headers.Add("Connection: Upgrade"); break;
                case 14: headers.Add("Transfer-Encoding: " + Pick(r, ["chunked, chunked", "x", "CHUNKED", "chunked;q=1"])); framing = "raw"; break;
                default: body = [.. body, .. Encoding.ASCII.GetBytes("\r\n\r\nGARBAGE / HTTP/1.1\r\n\r\n")]; break;
            }
        }

        var (frameHeaders, frameBody) = Frame(framing, body);
        var text = new StringBuilder($"{method} {path} {version}\r\n");
        foreach (var header in headers.Concat(frameHeaders)) text.Append(header).Append("\r\n");
        text.Append("\r\n");
        return ([.. Encoding.UTF8.GetBytes(text.ToString()), .. frameBody], versionChanged);
    }

    /// <summary>The framing headers and bytes; never a body that promises more than it sends (that would only wait for the timeout).</summary>
    private static (string[] Headers, byte[] Body) Frame(string framing, byte[] body)
    {
        static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
        byte[] Chunk(string sizeLine, byte[] data, string end = "\r\n0\r\n\r\n") => [.. A(sizeLine + "\r\n"), .. data, .. A(end)];
        var hex = body.Length.ToString("x");
        return framing switch
        {
            "chunked" => (["Transfer-Encoding: chunked"], Chunk(hex, body)),
            "chunked-overflow" => (["Transfer-Encoding: chunked"], Chunk("ffffffffffffffffff", body)),
            "chunked-badhex" => (["Transfer-Encoding: chunked"], Chunk("zz", body)),
            "chunked-negative" => (["Transfer-Encoding: chunked"], Chunk("-" + hex, body)),
            "chunked-ext" => (["Transfer-Encoding: chunked"], Chunk(hex + ";name=\"va\0lue\";x", body)),
            "chunked-trailer" => (["Transfer-Encoding: chunked"], Chunk(hex, body, "\r\n0\r\nX-Trailer: 1\r\nContent-Length: 5\r\n\r\n")),
            "chunked-longdata" => (["Transfer-Encoding: chunked"], Chunk("1", body.Length > 1 ? body : A("abc"))),
            "chunked-leadingzeros" => (["Transfer-Encoding: chunked"], Chunk("0000000000000000000000" + hex, body)),
            "chunked-and-length" => (["Transfer-Encoding: chunked", $"Content-Length: {body.Length}"], Chunk(hex, body)),
            "te-gzip" => (["Transfer-Encoding: gzip, chunked"], Chunk(hex, body)),
            "te-identity" => (["Transfer-Encoding: identity", $"Content-Length: {body.Length}"], body),
            "length-short" => ([$"Content-Length: {body.Length / 2}"], body),
            "length-nonnumeric" => (["Content-Length: ten"], body),
            "length-negative" => (["Content-Length: -1"], body),
            "length-double" => ([$"Content-Length: {body.Length}", $"Content-Length: {body.Length + 1}"], body),
            "length-plus" => ([$"Content-Length: +{body.Length}"], body),
            "length-huge-hex" => (["Content-Length: 0x10"], body),
            "no-length" or "raw" => ([], body),
            _ => ([$"Content-Length: {body.Length}"], body),
        };
    }

    /// <summary>Sends the bytes and reads the first answer (head and body) until the server closes; an error when it hangs.</summary>
    private async Task<(string? Head, string Body, string? Error)> SendAsync(byte[] bytes)
    {
        var uri = new Uri(fixture.Server.BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        try { await stream.WriteAsync(bytes); } catch (IOException) { } // the server may answer and close before reading it all
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var received = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0) received.Write(buffer, 0, n);
        }
        catch (OperationCanceledException) { return (null, "", "no answer within 40 s (the server hangs)"); }
        catch (IOException) { } // reset after the answer
        var text = Encoding.UTF8.GetString(received.ToArray());
        while (text.StartsWith("HTTP/1.1 100 ", StringComparison.Ordinal) && text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var interim and > 0)
            text = text[(interim + 4)..]; // 100 Continue before the answer
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return (text.Length == 0 ? null : text, "", text.Length == 0 ? null : "an incomplete answer: " + WireRules.Short(text));
        var head = text[..end];
        var rest = text[(end + 4)..];
        return (head, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(rest) : rest, null);
    }

    private static string Dechunk(string rest)
    {
        var body = new StringBuilder();
        while (rest.IndexOf("\r\n", StringComparison.Ordinal) is var eol and > 0 && int.TryParse(rest[..eol], System.Globalization.NumberStyles.HexNumber, null, out var size) && size > 0
               && rest.Length >= eol + 2 + size)
        {
            body.Append(rest, eol + 2, size);
            rest = rest[(eol + 2 + size)..].TrimStart('\r', '\n');
        }
        return body.ToString();
    }

    private static byte[] RandomBytes(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];
}
