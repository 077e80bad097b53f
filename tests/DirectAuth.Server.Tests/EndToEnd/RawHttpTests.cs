using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace DirectAuth.Server.Tests.EndToEnd;

/// <summary>The real server process, for the framing cases an in-process test server cannot fake.</summary>
public sealed class RawHttpServerFixture : IAsyncLifetime
{
    public const string AdminToken = "raw-http-admin-token-0123456789";

    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start([], new Dictionary<string, string> { ["DIRECTAUTH_ADMIN_TOKEN"] = AdminToken });
        await Server.WaitForOutputAsync(o => o.Contains("Now listening on", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Hostile framing over a raw socket to real Kestrel: a Content-Length that lies in either direction,
/// one beyond every limit, and an oversized chunked body. Each gets a JSON error, never a 500 or a hang.
/// </summary>
public sealed class RawHttpTests(RawHttpServerFixture fixture) : IClassFixture<RawHttpServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private async Task<(int Status, string Body)> SendAsync(string head, byte[] body)
    {
        var uri = new Uri(fixture.Server.BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ReplaceLineEndings("\r\n") + "\r\n"));
        try { await stream.WriteAsync(body); }
        catch (IOException) { } // the server may answer and close before it has read everything
        // No half-close: Kestrel takes a FIN as the client going away and drops the request.

        using var cts = new CancellationTokenSource(Patience);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
                if (TryParse(received.ToArray(), out var parsed)) return parsed;
            }
        }
        catch (IOException) { }
        Assert.True(TryParse(received.ToArray(), out var result), "no complete response: " + Encoding.UTF8.GetString(received.ToArray()));
        return result;
    }

    /// <summary>The first response on the connection: status and its body (Content-Length or chunked).</summary>
    private static bool TryParse(byte[] data, out (int Status, string Body) response)
    {
        response = default;
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var lines = text[..end].Split("\r\n");
        var rest = text[(end + 4)..];
        string body;
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            var decoded = new StringBuilder();
            while (true)
            {
                var eol = rest.IndexOf("\r\n", StringComparison.Ordinal);
                if (eol < 0) return false;
                var size = Convert.ToInt32(rest[..eol], 16);
                if (size == 0) break;
                if (rest.Length < eol + 2 + size + 2) return false;
                decoded.Append(rest, eol + 2, size);
                rest = rest[(eol + 2 + size + 2)..];
            }
            body = decoded.ToString();
        }
        else
        {
            var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim())).FirstOrDefault();
            if (rest.Length < length) return false;
            body = rest[..length];
        }
        Assert.Contains("Content-Type: application/json", lines);
        response = (int.Parse(lines[0].Split(' ')[1]), body);
        return true;
    }

    private static string Head(string contentLengthOrChunked) => $"""
        POST /oauth2/default/v1/token HTTP/1.1
        Host: 127.0.0.1
        Connection: close
        Content-Type: application/x-www-form-urlencoded
        {contentLengthOrChunked}

        """;

    private static string ErrorOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Token_ContentLengthSmallerThanBody_OnlyDeclaredBytesRead()
    {
        var body = Encoding.ASCII.GetBytes("grant_type" + new string('x', 100));

        var (status, json) = await SendAsync(Head("Content-Length: 10"), body);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", ErrorOf(json));
        Assert.Contains("'grant_type' parameter is required", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ContentLengthOverLimit_413BeforeTheBodyIsSent()
    {
        var (status, json) = await SendAsync(Head("Content-Length: 200000"), "grant_type=password"u8.ToArray());

        Assert.Equal(413, status);
        Assert.Equal("invalid_request", ErrorOf(json));
    }

    [Fact]
    public async Task Token_ContentLengthOverKestrelLimit_413()
    {
        var (status, json) = await SendAsync(Head("Content-Length: 50000000"), "grant_type=password"u8.ToArray());

        Assert.Equal(413, status);
        Assert.Equal("invalid_request", ErrorOf(json));
    }

    [Fact]
    public async Task Token_OversizedChunkedBody_413()
    {
        var chunk = new string('a', 16_000);
        var chunked = new StringBuilder("grant_type=password&pad=".Length.ToString("x") + "\r\ngrant_type=password&pad=\r\n");
        for (var i = 0; i < 6; i++) chunked.Append(chunk.Length.ToString("x")).Append("\r\n").Append(chunk).Append("\r\n");
        chunked.Append("0\r\n\r\n");

        var (status, json) = await SendAsync(Head("Transfer-Encoding: chunked"), Encoding.ASCII.GetBytes(chunked.ToString()));

        Assert.Equal(413, status);
        Assert.Equal("invalid_request", ErrorOf(json));
    }

    [Fact]
    public async Task Token_ContentLengthLargerThanBodySent_RequestTimeoutNotAHang()
    {
        var (status, json) = await SendAsync(Head("Content-Length: 1000"), "grant_type=password"u8.ToArray());

        Assert.Equal(408, status);
        Assert.Equal("invalid_request", ErrorOf(json));
    }

    [Fact]
    public async Task Token_NoContentLengthNoBody_InvalidRequest()
    {
        var (status, json) = await SendAsync(Head("X-Nothing: 1"), []);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", ErrorOf(json));
    }

    /// <summary>Kestrel reports a chunk size beyond 64 bits as an IOException wrapping OverflowException, not as a bad request.</summary>
    [Theory]
    [InlineData("/oauth2/default/v1/token", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("/oauth2/v1/introspect", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("/oauth2/default/v1/primary-authenticate", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("/api/v1/users", "application/json", "E0000003")]
    [InlineData("/api/v1/authenticators/push/answer", "application/jose", "E0000003")]
    public async Task AnyBody_ChunkSizeOverflows_400NotA500(string path, string contentType, string error)
    {
        var head = $"""
            POST {path} HTTP/1.1
            Host: 127.0.0.1
            Connection: close
            Authorization: SSWS {RawHttpServerFixture.AdminToken}
            Content-Type: {contentType}
            Transfer-Encoding: chunked

            """;

        var (status, json) = await SendAsync(head, "ffffffffffffffffff\r\nabc"u8.ToArray());

        Assert.Equal(400, status);
        var body = JsonDocument.Parse(json).RootElement;
        Assert.Equal(error, body.TryGetProperty("error", out var e) ? e.GetString() : body.GetProperty("errorCode").GetString());
        Assert.DoesNotContain("OverflowException", fixture.Server.Output, StringComparison.Ordinal);
    }
}
