using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DirectAuth.Server.Http;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// The <c>webhook</c> provider: POSTs each message as JSON to <c>Delivery:Webhook:Url</c>, signed with
/// HMAC-SHA256 under <c>Delivery:Webhook:Secret</c>. The operator's endpoint texts or calls the phone.
/// Wire format (docs/delivery.md): header <c>X-DirectAuth-Signature: t={unix seconds},v1={hex}</c> where
/// hex = HMAC-SHA256(secret, "{t}.{raw body}"); header <c>X-DirectAuth-Message-Id</c> repeats the body's id,
/// stable across retries. Any 2xx is delivered; 4xx is final; 5xx and timeouts are retried.
/// </summary>
public sealed class WebhookSender(HttpDelivery delivery, TimeProvider clock, IOptions<DeliveryOptions> options) : ISmsSender, IVoiceSender
{
    public const string SignatureHeader = "X-DirectAuth-Signature";
    public const string MessageIdHeader = "X-DirectAuth-Message-Id";

    /// <summary>The JSON body, property names as documented.</summary>
    public sealed record Payload(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("purpose")] string Purpose,
        [property: JsonPropertyName("userId")] string? UserId,
        [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);

    public Task<DeliveryResult> SendSmsAsync(PhoneMessage message, CancellationToken ct) => PostAsync(message, ct);

    public Task<DeliveryResult> CallAsync(PhoneMessage message, CancellationToken ct) => PostAsync(message, ct);

    private async Task<DeliveryResult> PostAsync(PhoneMessage message, CancellationToken ct)
    {
        var settings = options.Value.Webhook;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new Payload(message.Id, message.Channel, message.To, message.Code, message.Text, message.Purpose, message.UserId, message.ExpiresAt),
            WireJson.Web);
        var (answer, failure, attempts) = await delivery.SendAsync("webhook", () =>
        {
            // Signed per attempt: the timestamp is when this attempt leaves, so a receiver's replay window holds.
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(settings.Secret!, timestamp, body));
            request.Headers.TryAddWithoutValidation(MessageIdHeader, message.Id);
            return request;
        }, settings, (status, text) => $"webhook answered HTTP {(int)status}: {HttpDelivery.Snippet(text)}", message.Code, ct);
        return answer is null ? DeliveryResult.Failed(failure!, attempts) : DeliveryResult.Success(message.Id, attempts);
    }

    /// <summary><c>t={timestamp},v1={hex HMAC-SHA256(secret, "{timestamp}.{body}")}</c>.</summary>
    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }
}
