using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DirectAuth.Protocol;

namespace DirectAuth.Authenticator;

/// <summary>
/// The device side of DirectAuth push (docs/authenticator.md, "The device protocol"): activate a push factor,
/// register the APNs/FCM token, fetch the pending pushes a wake-up announced, answer them, and listen on the
/// event stream while the app is open. Every request is signed with the device key from the
/// <see cref="IDeviceKeyStore"/>; nothing else authenticates the device.
/// </summary>
/// <param name="http">The HTTP client requests go through (absolute URLs: no base address needed).</param>
/// <param name="keys">Where the device keys live.</param>
/// <param name="clock">The clock of the signatures' <c>iat</c> (default: the system's).</param>
public sealed class AuthenticatorClient(HttpClient http, IDeviceKeyStore keys, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Idle time after which the stream counts as dead (the server sends a keep-alive every 15 s by default).</summary>
    public TimeSpan IdleLimit { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Server and code from a <c>directauth://push/activate?server=…&amp;code=…</c> link (the enrollment QR), or a bare code with <paramref name="server"/>.</summary>
    /// <exception cref="ArgumentException">The link has no code, or no server is known.</exception>
    public static (string Server, string Code) ParseActivation(string linkOrCode, string? server = null)
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

    /// <summary>
    /// Generates a device key (alias <c>directauth-push-{random}</c>, unless <paramref name="keyAlias"/> is given) and
    /// activates the factor with it. On refusal the new key is deleted again.
    /// </summary>
    /// <param name="server">The server's origin (from <see cref="ParseActivation"/>).</param>
    /// <param name="code">The activation code.</param>
    /// <param name="deviceName">What the admin and the user see as the device's name.</param>
    /// <param name="platform"><see cref="PushPlatforms"/>: <c>apns</c> or <c>fcm</c> with <paramref name="pushToken"/> for a phone; null (<c>sse</c>) for a device that keeps the stream open.</param>
    /// <param name="pushToken">The APNs device token (hex) or FCM registration token.</param>
    /// <param name="keyAlias">The key store alias to create the key under.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <exception cref="DeviceApiException">The code is invalid, used or expired (400), or the token malformed (400).</exception>
    public async Task<DeviceAccount> ActivateAsync(string server, string code, string? deviceName, string? platform = null, string? pushToken = null,
        string? keyAlias = null, CancellationToken ct = default)
    {
        var alias = keyAlias ?? "directauth-push-" + Guid.NewGuid().ToString("N");
        var key = await keys.CreateAsync(alias, ct);
        try
        {
            var jws = await DeviceJws.SignAsync(key, new PushActivationClaims { ActivationCode = code, DeviceName = deviceName, Platform = platform, PushToken = pushToken, IssuedAt = Now() },
                PushJsonContext.Default.PushActivationClaims, PushDeviceApi.ActivationJwsType, keyId: null, ct);
            var result = await PostJwsAsync(server.TrimEnd('/') + PushDeviceApi.ActivatePath, jws, PushJsonContext.Default.PushActivationResult, ct);
            return new DeviceAccount
            {
                Server = server.TrimEnd('/'), FactorId = result.FactorId, UserId = result.UserId, Login = result.Login, DeviceName = deviceName,
                KeyAlias = alias, Platform = platform ?? PushPlatforms.Sse, Activated = _clock.GetUtcNow(),
            };
        }
        catch
        {
            await keys.DeleteAsync(alias, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Tells the server the device's new push token (APNs and FCM rotate them) or platform; <c>sse</c> with no token stops wake-ups.</summary>
    public async Task<PushTokenResult> UpdatePushTokenAsync(DeviceAccount account, string platform, string? pushToken, CancellationToken ct = default)
    {
        var jws = await SignAsync(account, new PushTokenClaims { Platform = platform, PushToken = pushToken, IssuedAt = Now(), Id = Guid.NewGuid().ToString("N") }, PushJsonContext.Default.PushTokenClaims, PushDeviceApi.TokenJwsType, ct);
        return await PostJwsAsync(account.Server + PushDeviceApi.TokenPath, jws, PushJsonContext.Default.PushTokenResult, ct);
    }

    /// <summary>The pushes waiting for this account: what to show after a wake-up (the notification itself carries only ids).</summary>
    public async Task<IReadOnlyList<PushNotification>> FetchPendingAsync(DeviceAccount account, CancellationToken ct = default)
    {
        var url = account.Server + PushDeviceApi.PendingPath;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(PushDeviceApi.AuthorizationScheme, await ConnectProofAsync(account, url, ct));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw new DeviceApiException(response.StatusCode, await ErrorAsync(response, ct));
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(ct), PushJsonContext.Default.ListPushNotification)!;
    }

    /// <summary>The pending push a wake-up announced, or null when it is no longer pending (answered elsewhere, expired) or the wake-up is a notice.</summary>
    public async Task<PushNotification?> FetchAsync(DeviceAccount account, PushWake wake, CancellationToken ct = default) =>
        wake.TransactionId is null ? null : (await FetchPendingAsync(account, ct)).FirstOrDefault(p => p.TransactionId == wake.TransactionId);

    /// <summary>Sends the user's decision (<see cref="PushDecisions"/>) with the number picked or typed, when the push has a number challenge.</summary>
    /// <exception cref="DeviceApiException">400 when the push is no longer pending or needs a number; 404 when it is not this device's.</exception>
    public async Task<PushAnswerResult> AnswerAsync(DeviceAccount account, string transactionId, string decision, string? number = null, CancellationToken ct = default)
    {
        var jws = await SignAsync(account, new PushAnswerClaims { TransactionId = transactionId, Decision = decision, Number = number, IssuedAt = Now() },
            PushJsonContext.Default.PushAnswerClaims, PushDeviceApi.AnswerJwsType, ct);
        return await PostJwsAsync(account.Server + PushDeviceApi.AnswerPath, jws, PushJsonContext.Default.PushAnswerResult, ct);
    }

    /// <summary>Approves <paramref name="push"/>; <paramref name="number"/> is the number the user picked (<c>pick</c>) or typed (<c>type</c>).</summary>
    public Task<PushAnswerResult> ApproveAsync(DeviceAccount account, PushNotification push, string? number = null, CancellationToken ct = default) =>
        AnswerAsync(account, push.TransactionId, PushDecisions.Approve, push.Challenge == PushChallenges.None ? null : number, ct);

    /// <summary>Denies <paramref name="push"/>.</summary>
    public Task<PushAnswerResult> DenyAsync(DeviceAccount account, PushNotification push, CancellationToken ct = default) =>
        AnswerAsync(account, push.TransactionId, PushDecisions.Deny, null, ct);

    /// <summary>"This wasn't me": denies <paramref name="push"/> and has the server record it as suspicious.</summary>
    public Task<PushAnswerResult> ReportNotMeAsync(DeviceAccount account, PushNotification push, CancellationToken ct = default) =>
        AnswerAsync(account, push.TransactionId, PushDecisions.NotMe, null, ct);

    /// <summary>
    /// Listens until cancelled: opens the stream, yields what arrives, and when the connection drops or goes
    /// quiet reconnects (1 s, doubling to 30 s) sending <c>Last-Event-ID</c>, so no push is missed or repeated.
    /// A refused signature (401) is not retried: it ends the enumeration with a <see cref="DeviceApiException"/>.
    /// </summary>
    public async IAsyncEnumerable<DeviceEvent> ListenAsync(DeviceAccount account, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string? lastEventId = null;
        var retry = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            var events = StreamAsync(account, lastEventId, ct);
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

    private async IAsyncEnumerable<DeviceEvent> StreamAsync(DeviceAccount account, string? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var url = account.Server + PushDeviceApi.EventsPath;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(PushDeviceApi.AuthorizationScheme, await ConnectProofAsync(account, url, ct));
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

    private async Task<string> ConnectProofAsync(DeviceAccount account, string url, CancellationToken ct) =>
        await SignAsync(account, new PushConnectClaims { Method = "GET", Url = url, IssuedAt = Now(), Id = Guid.NewGuid().ToString("N") },
            PushJsonContext.Default.PushConnectClaims, PushDeviceApi.ConnectJwsType, ct);

    private async Task<string> SignAsync<T>(DeviceAccount account, T claims, JsonTypeInfo<T> type, string jwsType, CancellationToken ct)
    {
        var key = await keys.OpenAsync(account.KeyAlias, ct) ?? throw new InvalidOperationException($"The key store has no device key '{account.KeyAlias}'.");
        return await DeviceJws.SignAsync(key, claims, type, jwsType, account.FactorId, ct);
    }

    private async Task<T> PostJwsAsync<T>(string url, string jws, JsonTypeInfo<T> type, CancellationToken ct)
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

    private long Now() => _clock.GetUtcNow().ToUnixTimeSeconds();
}
