using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>
/// How the fake gateway answers as Twilio's REST API (2010-04-01) does: Basic auth of the account, the
/// account's Messages.json and Calls.json, required form fields, 201 with the new resource's <c>sid</c>,
/// and Twilio's JSON error body otherwise.
/// </summary>
public static class FakeTwilio
{
    public static FakeGateway.Reply Respond(FakeGateway.Received request, string basePath, string accountSid, string authToken)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
        if (request.Header("Authorization") != expected) return Error(401, 20003, "Authentication Error - invalid username");
        var prefix = $"{basePath}/2010-04-01/Accounts/{accountSid}/";
        if (request.Method != "POST" || !request.Path.StartsWith(prefix, StringComparison.Ordinal)) return Error(404, 20404, "The requested resource was not found");
        if (request.Header("Content-Type")?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
            return Error(400, 20001, "Unsupported content type");
        var form = Form(request);
        var resource = request.Path[prefix.Length..];
        if (!form.ContainsKey("To")) return Error(400, 21604, "A 'To' phone number is required.");
        if (resource == "Messages.json")
        {
            if (!form.ContainsKey("Body")) return Error(400, 21602, "Message body is required.");
            if (!form.ContainsKey("From") && !form.ContainsKey("MessagingServiceSid")) return Error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
            return Created("SM", accountSid, form);
        }
        if (resource == "Calls.json")
        {
            if (!form.ContainsKey("From")) return Error(400, 21213, "No 'From' number is specified");
            if (!form.ContainsKey("Twiml") && !form.ContainsKey("Url")) return Error(400, 21205, "Url or Twiml parameter is required.");
            return Created("CA", accountSid, form);
        }
        return Error(404, 20404, "The requested resource was not found");
    }

    public static Dictionary<string, string> Form(FakeGateway.Received request) =>
        QueryHelpers.ParseQuery(request.Text).ToDictionary(p => p.Key, p => p.Value.ToString());

    public static FakeGateway.Reply Error(int status, int code, string message) =>
        new(status, JsonSerializer.Serialize(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }));

    private static FakeGateway.Reply Created(string prefix, string accountSid, Dictionary<string, string> form)
    {
        var sid = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new(201, JsonSerializer.Serialize(new { sid, account_sid = accountSid, to = form["To"], status = "queued", api_version = "2010-04-01" }));
    }
}
