using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Delivery;

/// <summary>
/// The <c>twilio</c> provider, on Twilio's REST API (2010-04-01), HTTP Basic <c>AccountSid:AuthToken</c>,
/// form-encoded bodies:
/// texts: <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> with <c>To</c>, <c>Body</c> and
/// <c>MessagingServiceSid</c> or <c>From</c>;
/// calls: <c>POST .../Calls.json</c> with <c>To</c>, <c>From</c> and <c>Twiml</c> (the code read digit by digit).
/// Twilio answers 201 with the resource (its <c>sid</c> is kept), or a JSON error with <c>code</c> and <c>message</c>.
/// </summary>
public sealed class TwilioSender(HttpDelivery delivery, IOptions<DeliveryOptions> options) : ISmsSender, IVoiceSender
{
    public Task<DeliveryResult> SendSmsAsync(PhoneMessage message, CancellationToken ct)
    {
        var twilio = options.Value.Twilio;
        var form = new List<KeyValuePair<string, string>> { new("To", message.To), new("Body", message.Text) };
        form.Add(string.IsNullOrWhiteSpace(twilio.MessagingServiceSid)
            ? new("From", twilio.From!)
            : new("MessagingServiceSid", twilio.MessagingServiceSid));
        return PostAsync("Messages.json", form, message.Code, ct);
    }

    public Task<DeliveryResult> CallAsync(PhoneMessage message, CancellationToken ct)
    {
        var twilio = options.Value.Twilio;
        var twiml = MessageText.Twiml(options.Value.SenderName, message.Code, twilio.Voice, twilio.Language);
        return PostAsync("Calls.json", [new("To", message.To), new("From", twilio.From!), new("Twiml", twiml)], message.Code, ct);
    }

    private async Task<DeliveryResult> PostAsync(string resource, List<KeyValuePair<string, string>> form, string code, CancellationToken ct)
    {
        var twilio = options.Value.Twilio;
        var url = $"{twilio.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid!)}/{resource}";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}"));
        var (answer, failure, attempts) = await delivery.SendAsync("Twilio", () => new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(form),
            Headers = { Authorization = new AuthenticationHeaderValue("Basic", basic), Accept = { new MediaTypeWithQualityHeaderValue("application/json") } },
        }, twilio, Describe, code, ct);
        return answer is null ? DeliveryResult.Failed(failure!, attempts) : DeliveryResult.Success(Sid(answer.Body), attempts);
    }

    private static string? Sid(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("sid", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Twilio's error body: <c>{"code":21211,"message":"...","more_info":"...","status":400}</c>.</summary>
    private static string Describe(HttpStatusCode status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? $" {c.GetInt32()}" : "";
                return $"Twilio refused the request (HTTP {(int)status}, error{code}): {message.GetString()}";
            }
        }
        catch (JsonException) { }
        return $"Twilio refused the request (HTTP {(int)status}): {HttpDelivery.Snippet(body)}";
    }
}
