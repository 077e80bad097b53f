using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Raw requests to the authenticator endpoints, for messages the real device client would never send.</summary>
public static class DeviceRequests
{
    public static async Task<(int Status, JsonElement Body)> PostJwsAsync(ServerFixture server, string path, string jws, string contentType = PushDeviceApi.JoseContentType)
    {
        using var content = new StringContent(jws, Encoding.ASCII);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await ServerFixture.ReadAsync(await server.Http.PostAsync(path, content));
    }

    /// <summary>Opens the event stream with an Authorization header; returns the status (and disposes the stream).</summary>
    public static async Task<int> OpenStreamAsync(ServerFixture server, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PushDeviceApi.EventsPath);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (int)response.StatusCode;
    }
}
