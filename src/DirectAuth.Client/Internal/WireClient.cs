using System.Net.Http.Headers;

namespace DirectAuth.Client.Internal;

/// <summary>Sends form posts and GETs with client authentication, and turns transport failures into errors.</summary>
internal sealed class WireClient(HttpClient http, DirectAuthClientOptions options)
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    public async Task<WireResponse> PostFormAsync(Uri endpoint, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        var form = parameters.ToList();
        options.ClientAuthentication.Apply(request, form, options.ClientId, options.TimeProvider);
        request.Content = new FormUrlEncodedContent(form);
        return await SendAsync(request, ct).ConfigureAwait(false);
    }

    public async Task<WireResponse> GetAsync(Uri endpoint, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        return await SendAsync(request, ct).ConfigureAwait(false);
    }

    private async Task<WireResponse> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Accept.Add(Json);
        try
        {
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return WireResponse.From((int)response.StatusCode, text, response.Headers);
        }
        catch (HttpRequestException ex)
        {
            throw new DirectAuthException(new DirectAuthError(DirectAuthErrorKind.Network, null,
                $"Could not reach {request.RequestUri!.GetLeftPart(UriPartial.Authority)}: {ex.Message}"), ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DirectAuthException(new DirectAuthError(DirectAuthErrorKind.Network, null,
                $"{request.RequestUri!.GetLeftPart(UriPartial.Authority)} did not answer in time."), ex);
        }
    }
}
