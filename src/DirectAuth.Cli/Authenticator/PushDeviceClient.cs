using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Protocol;

namespace DirectAuth.Cli.Authenticator;

/// <summary>What the device hears on its stream.</summary>
public abstract record DeviceEvent;
/// <summary>A push; <see cref="EventId"/> is what the stream resumes after.</summary>
public sealed record PushReceived(PushNotification Push, string? EventId) : DeviceEvent;
public sealed record PushResolved(PushResolution Resolution) : DeviceEvent;
/// <summary>A message for the user (a factor was added to or removed from the account).</summary>
public sealed record NoticeReceived(PushNotice Notice) : DeviceEvent;
/// <summary>The stream is open (again); <see cref="Resumed"/> when it picked up after a known event id.</summary>
public sealed record StreamConnected(bool Resumed) : DeviceEvent;
public sealed record StreamLost(string Reason, TimeSpan RetryIn) : DeviceEvent;

/// <summary>A refusal from the server, with its Okta error summary.</summary>
public sealed class DeviceApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The authenticator app's protocol (docs/authenticator.md): activate with a code, listen on the event
/// stream (reconnecting with backoff and resuming after the last event id), answer pushes. Every request is
/// signed with the device key.
/// </summary>
public sealed class PushDeviceClient(HttpClient http, TimeProvider clock)
{
    /// <summary>Idle time after which the stream counts as dead (the server sends a keep-alive every 15 s by default).</summary>
    public TimeSpan IdleLimit { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Server and code from a <c>directauth://push/activate?server=…&amp;code=…</c> link, or a bare code with <paramref name="server"/>.</summary>
    public static (string Server, string Code) ParseActivation(string linkOrCode, string? server)
    {
        if (linkOrCode.StartsWith(PushDeviceApi.ActivationLinkPrefix, StringComparison.Ordinal))
        {
            var query = new Uri(linkOrCode.Replace("directauth://", "https://", StringComparison.Ordinal)).Query.TrimStart('?')
                .Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
            if (!query.TryGetValue("code", out var code) || code.Length == 0) throw new ArgumentException("The activation link has no code.");
            var linkServer = server ?? (query.TryGetValue("server", out var s) ? s : null) ?? throw new ArgumentException("The activation link has no server; pass --server.");
            return (linkServer.TrimEnd('/'), code);
        }
        return ((server ?? throw new ArgumentException("A bare activation code needs --server.")).TrimEnd('/'), linkOrCode.Trim());
    }

    /// <summary>Generates the device key and activates the factor; the caller stores the returned account.</summary>
    /// <param name="platform"><see cref="PushPlatforms"/>; null (sse) for a device that keeps its event stream open.</param>
    /// <param name="pushToken">The APNs device token or FCM registration token, for <c>apns</c> and <c>fcm</c>.</param>
    public async Task<PushAccount> ActivateAsync(string server, string code, string? deviceName, CancellationToken ct, string? platform = null, string? pushToken = null)
    {
        using var key = DeviceKey.Create();
        var jws = key.Sign(new PushActivationClaims { ActivationCode = code, DeviceName = deviceName, Platform = platform, PushToken = pushToken, IssuedAt = Now() },
            PushJsonContext.Default.PushActivationClaims, PushDeviceApi.ActivationJwsType, keyId: null);
        var result = await PostJwsAsync(server + PushDeviceApi.ActivatePath, jws, PushJsonContext.Default.PushActivationResult, ct);
        return new PushAccount
        {
            Server = server, FactorId = result.FactorId, UserId = result.UserId, Login = result.Login, DeviceName = deviceName,
            PrivateKey = key.ExportPrivate(), Activated = clock.GetUtcNow(),
        };
    }

    public async Task<PushAnswerResult> AnswerAsync(PushAccount account, string transactionId, string decision, string? number, CancellationToken ct)
    {
        using var key = DeviceKey.Import(account.PrivateKey);
        var jws = key.Sign(new PushAnswerClaims { TransactionId = transactionId, Decision = decision, Number = number, IssuedAt = Now() },
            PushJsonContext.Default.PushAnswerClaims, PushDeviceApi.AnswerJwsType, account.FactorId);
        return await PostJwsAsync(account.Server + PushDeviceApi.AnswerPath, jws, PushJsonContext.Default.PushAnswerResult, ct);
    }

    /// <summary>Tells the server the device's new push token (or platform); signed with the device key.</summary>
    public async Task<PushTokenResult> UpdatePushTokenAsync(PushAccount account, string platform, string? pushToken, CancellationToken ct)
    {
        using var key = DeviceKey.Import(account.PrivateKey);
        var jws = key.Sign(new PushTokenClaims { Platform = platform, PushToken = pushToken, IssuedAt = Now() },
            PushJsonContext.Default.PushTokenClaims, PushDeviceApi.TokenJwsType, account.FactorId);
        return await PostJwsAsync(account.Server + PushDeviceApi.TokenPath, jws, PushJsonContext.Default.PushTokenResult, ct);
    }

    /// <summary>The pushes waiting for this device: what an app woken by APNs/FCM fetches (the wake-up carries only ids).</summary>
    public async Task<IReadOnlyList<PushNotification>> FetchPendingAsync(PushAccount account, CancellationToken ct)
    {
        var url = account.Server + PushDeviceApi.PendingPath;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(PushDeviceApi.AuthorizationScheme, ConnectProof(account, url));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw new DeviceApiException(response.StatusCode, await ErrorAsync(response, ct));
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(ct), PushJsonContext.Default.ListPushNotification)!;
    }

    private string ConnectProof(PushAccount account, string url)
    {
        using var key = DeviceKey.Import(account.PrivateKey);
        return key.Sign(new PushConnectClaims { Method = "GET", Url = url, IssuedAt = Now(), Id = Guid.NewGuid().ToString("N") },
            PushJsonContext.Default.PushConnectClaims, PushDeviceApi.ConnectJwsType, account.FactorId);
    }

    /// <summary>
    /// Listens until cancelled: opens the stream, yields what arrives, and when the connection drops or goes
    /// quiet reconnects (1 s, doubling to 30 s) sending <c>Last-Event-ID</c>, so no push is missed or repeated.
    /// A refused signature (401) is not retried: it ends the enumeration with a <see cref="DeviceApiException"/>.
    /// </summary>
    public async IAsyncEnumerable<DeviceEvent> ListenAsync(PushAccount account, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? lastEventId = null;
        var retry = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            var events = Channel(account, lastEventId, ct);
            string? lost = null;
            await using (var e = events.GetAsyncEnumerator(ct))
            {
                while (true)
                {
                    DeviceEvent? next = null;
                    try
                    {
                        if (!await e.MoveNextAsync()) { lost = "The server closed the stream."; break; }
                        next = e.Current;
                    }
                    catch (Exception ex) when (ex is (HttpRequestException or IOException or TimeoutException) && !ct.IsCancellationRequested)
                    {
                        lost = ex.Message;
                        break;
                    }
                    if (next is PushReceived { EventId: { } id }) lastEventId = id;
                    if (next is StreamConnected) retry = TimeSpan.FromSeconds(1);
                    yield return next;
                }
            }
            if (ct.IsCancellationRequested) yield break;
            yield return new StreamLost(lost!, retry);
            try { await Task.Delay(retry, ct); } catch (OperationCanceledException) { yield break; }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private async IAsyncEnumerable<DeviceEvent> Channel(PushAccount account, string? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var url = account.Server + PushDeviceApi.EventsPath;
        var proof = ConnectProof(account, url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(PushDeviceApi.AuthorizationScheme, proof);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized) throw new DeviceApiException(response.StatusCode, await ErrorAsync(response, ct));
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"The event stream answered {(int)response.StatusCode}.");
        yield return new StreamConnected(lastEventId is not null);
        await foreach (var sse in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync(ct), IdleLimit, ct))
        {
            if (sse.Event == PushDeviceApi.PushEvent && JsonSerializer.Deserialize(sse.Data, PushJsonContext.Default.PushNotification) is { } push)
                yield return new PushReceived(push, sse.Id);
            else if (sse.Event == PushDeviceApi.ResolvedEvent && JsonSerializer.Deserialize(sse.Data, PushJsonContext.Default.PushResolution) is { } resolution)
                yield return new PushResolved(resolution);
            else if (sse.Event == PushDeviceApi.NoticeEvent && JsonSerializer.Deserialize(sse.Data, PushJsonContext.Default.PushNotice) is { } notice)
                yield return new NoticeReceived(notice);
        }
    }

    private async Task<T> PostJwsAsync<T>(string url, string jws, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var content = new StringContent(jws, Encoding.ASCII);
        content.Headers.ContentType = new MediaTypeHeaderValue(PushDeviceApi.JoseContentType);
        using var response = await http.PostAsync(url, content, ct);
        if (!response.IsSuccessStatusCode) throw new DeviceApiException(response.StatusCode, await ErrorAsync(response, ct));
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(ct), type)!;
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var json = JsonDocument.Parse(body);
            var summary = json.RootElement.GetProperty("errorSummary").GetString();
            var causes = json.RootElement.TryGetProperty("errorCauses", out var c) && c.ValueKind == JsonValueKind.Array
                ? string.Join("; ", c.EnumerateArray().Select(x => x.GetProperty("errorSummary").GetString())) : "";
            return $"{(int)response.StatusCode}: {summary}{(causes.Length > 0 ? " — " + causes : "")}";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{(int)response.StatusCode}: {body}";
        }
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeSeconds();
}
