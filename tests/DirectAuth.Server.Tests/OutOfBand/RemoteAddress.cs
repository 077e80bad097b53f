using System.Net;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Form posts that arrive from a given client IP address, as they would from different machines.</summary>
public static class RemoteAddress
{
    public static async Task<(int Status, JsonElement Body)> PostFormAsync(ServerFixture server, string ip, string path, params (string Name, string Value)[] form)
    {
        var bytes = await new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))).ReadAsByteArrayAsync();
        var context = await server.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Scheme = "http";
            c.Request.Host = new Microsoft.AspNetCore.Http.HostString("localhost");
            c.Request.Path = path;
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.ContentLength = bytes.Length;
            c.Request.Body = new MemoryStream(bytes);
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        });
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
