using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin outbox [--phone +14155552671] [--limit 20] [--code] [--json]</c>: the texts and calls the
/// server's <c>outbox</c> delivery provider stored, newest first — what the phone would have received.
/// <c>--code</c> prints only the newest code, for scripts: <c>CODE=$(directauth admin outbox --phone ... --code)</c>.
/// </summary>
public static class OutboxCommand
{
    public static Command Create()
    {
        var phone = new Option<string?>("--phone") { Description = "Only messages to this number (E.164, e.g. +14155552671)" };
        var limit = new Option<int>("--limit") { Description = "How many messages, newest first (1-100)", DefaultValueFactory = _ => 20 };
        var codeOnly = new Option<bool>("--code") { Description = "Print only the code of the newest message" };
        var json = new Option<bool>("--json") { Description = "Print the management API's JSON" };
        var command = new Command("outbox", "Show the texts and calls the outbox delivery provider stored (what the phone would have received).")
        {
            phone, limit, codeOnly, json,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(AdminCommand.Server)!, parse.GetValue(AdminCommand.Token),
            parse.GetValue(phone), parse.GetValue(codeOnly) ? 1 : parse.GetValue(limit), parse.GetValue(codeOnly), parse.GetValue(json),
            Console.Out, Console.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(
        string server, string? token, string? phone, int limit, bool codeOnly, bool json, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        try
        {
            using var http = ManagementClient.Create(server, token);
            var query = $"api/v1/outbox?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (phone is null ? "" : "&phone=" + Uri.EscapeDataString(phone));
            using var response = await http.GetAsync(query, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                await errors.WriteLineAsync($"The server answered {(int)response.StatusCode}: {Describe(text)}");
                return 1;
            }
            if (json)
            {
                await output.WriteLineAsync(text);
                return 0;
            }
            var messages = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
            if (codeOnly)
            {
                if (messages.Count == 0)
                {
                    await errors.WriteLineAsync(phone is null ? "The outbox is empty." : $"No message to {phone} in the outbox.");
                    return 1;
                }
                await output.WriteLineAsync(messages[0].GetProperty("code").GetString());
                return 0;
            }
            if (messages.Count == 0) await output.WriteLineAsync("No messages.");
            foreach (var m in messages)
                await output.WriteLineAsync(string.Join("  ",
                    m.GetProperty("created").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    m.GetProperty("channel").GetString()!.PadRight(5), m.GetProperty("to").GetString()!.PadRight(16),
                    m.GetProperty("code").GetString(), m.GetProperty("purpose").GetString()!.PadRight(10), m.GetProperty("text").GetString()));
            return 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or JsonException or UriFormatException)
        {
            await errors.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    /// <summary>An Okta error body's summary and causes, else the text as it came.</summary>
    private static string Describe(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            var summary = root.GetProperty("errorSummary").GetString();
            var causes = root.TryGetProperty("errorCauses", out var c) ? c.EnumerateArray().Select(x => x.GetProperty("errorSummary").GetString()) : [];
            return string.Join(" ", new[] { summary }.Concat(causes));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body;
        }
    }
}
