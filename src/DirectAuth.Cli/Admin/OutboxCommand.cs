using System.CommandLine;
using System.Globalization;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin outbox [--phone +14155552671] [--limit 20] [--code]</c>: the texts and calls the
/// server's <c>outbox</c> delivery provider stored, newest first — what the phone would have received.
/// <c>--code</c> prints only the newest code, for scripts: <c>CODE=$(directauth admin outbox --phone ... --code)</c>.
/// </summary>
public static class OutboxCommand
{
    public static Command Create()
    {
        var phone = new Option<string?>("--phone") { Description = "Only messages to this number (E.164, e.g. +14155552671, or national in the server's Phone:DefaultRegion)" };
        var limit = new Option<int>("--limit") { Description = "How many messages, newest first (1-100)", DefaultValueFactory = _ => 20 };
        var codeOnly = new Option<bool>("--code") { Description = "Print only the code of the newest message" };
        var command = new Command("outbox", "Show the texts and calls the outbox delivery provider stored (what the phone would have received).")
        {
            phone, limit, codeOnly,
        };
        AdminAction.Set(command, async c =>
        {
            var only = c.Get(codeOnly);
            var query = UsersCommand.Query(("phone", c.Get(phone)), ("limit", (only ? 1 : c.Get(limit)).ToString(CultureInfo.InvariantCulture)));
            var response = await c.Api.GetAsync("api/v1/outbox" + query, c.Ct);
            var messages = response.Json.Items().ToList();
            if (only)
            {
                if (messages.Count == 0)
                    throw new UsageException(c.Get(phone) is { } p ? $"No message to {p} in the outbox." : "The outbox is empty.");
                Console.Out.WriteLine(messages[0].Str("code"));
                return;
            }
            c.Out.Print(response, () => c.Out.Table(["TIME (UTC)", "CHANNEL", "TO", "CODE", "PURPOSE", "TEXT"],
                messages.Select(m => new[] { m.Time("created"), m.Str("channel"), m.Str("to"), m.Str("code"), m.Str("purpose"), m.Str("text") })));
        });
        return command;
    }
}
