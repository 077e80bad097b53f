using System.Net.Http.Headers;

namespace DirectAuth.Cli.Admin;

/// <summary>An HttpClient for the management API: base URL and <c>Authorization: SSWS {token}</c>.</summary>
public static class ManagementClient
{
    public static HttpClient Create(string server, string? token)
    {
        if (string.IsNullOrEmpty(token))
            throw new InvalidOperationException("No admin token: pass --token or set DIRECTAUTH_ADMIN_TOKEN.");
        var client = new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
