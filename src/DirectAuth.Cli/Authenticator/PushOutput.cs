using DirectAuth.Authenticator;
using System.Globalization;
using System.Text.Json;
using DirectAuth.Protocol;
using Spectre.Console;

namespace DirectAuth.Cli.Authenticator;

/// <summary>How <c>listen</c> reports what happens: panels for people, JSON lines for scripts.</summary>
public abstract class PushOutput
{
    public abstract void Connected(PushAccount account, bool resumed);
    public abstract void Disconnected(PushAccount account, string reason, TimeSpan retryIn);
    public abstract void Push(PushAccount account, PushNotification push);
    public abstract void Answered(PushAnswerResult result);
    public abstract void Resolved(PushResolution resolution);
    public abstract void Notice(PushNotice notice);
    public abstract void Error(string message);
}

/// <summary>One JSON object per line: <c>{"event":"push", ...}</c>, <c>answered</c>, <c>resolved</c>, <c>notice</c>, <c>connected</c>, <c>disconnected</c>, <c>error</c>.</summary>
public sealed class JsonPushOutput(TextWriter writer) : PushOutput
{
    private void Write(object value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value));
        writer.Flush();
    }

    public override void Connected(PushAccount account, bool resumed) => Write(new { @event = "connected", login = account.Login, resumed });
    public override void Disconnected(PushAccount account, string reason, TimeSpan retryIn) =>
        Write(new { @event = "disconnected", login = account.Login, reason, retryInSeconds = retryIn.TotalSeconds });
    public override void Push(PushAccount account, PushNotification push) => Write(new
    {
        @event = "push", transactionId = push.TransactionId, login = push.Login, appName = push.AppName, clientId = push.ClientId,
        createdAt = push.CreatedAt, expiresAt = push.ExpiresAt, ipAddress = push.IpAddress, challenge = push.Challenge, numbers = push.Numbers, mfa = push.Mfa,
    });
    public override void Answered(PushAnswerResult result) => Write(new { @event = "answered", transactionId = result.TransactionId, status = result.Status, reason = result.Reason });
    public override void Resolved(PushResolution resolution) => Write(new { @event = "resolved", transactionId = resolution.TransactionId, status = resolution.Status });
    public override void Notice(PushNotice notice) => Write(new { @event = "notice", text = notice.Text, createdAt = notice.CreatedAt });
    public override void Error(string message) => Write(new { @event = "error", message });
}

/// <summary>Panels and prompts in the terminal (Spectre.Console).</summary>
public sealed class ConsolePushOutput : PushOutput
{
    public override void Connected(PushAccount account, bool resumed) =>
        AnsiConsole.MarkupLine($"[grey]{(resumed ? "Reconnected" : "Listening")} for pushes to [bold]{Markup.Escape(account.Login)}[/] on {Markup.Escape(account.Server)}. Ctrl+C to stop.[/]");

    public override void Disconnected(PushAccount account, string reason, TimeSpan retryIn) =>
        AnsiConsole.MarkupLine($"[yellow]Connection lost ({Markup.Escape(reason)}); reconnecting in {retryIn.TotalSeconds:0} s.[/]");

    public override void Push(PushAccount account, PushNotification push)
    {
        var rows = new Grid().AddColumn().AddColumn();
        rows.AddRow("[grey]App[/]", $"[bold]{Markup.Escape(push.AppName)}[/]");
        rows.AddRow("[grey]Account[/]", Markup.Escape(push.Login));
        rows.AddRow("[grey]Time[/]", push.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        rows.AddRow("[grey]From IP[/]", Markup.Escape(push.IpAddress ?? "unknown"));
        rows.AddRow("[grey]Step[/]", push.Mfa ? "second factor, after the password" : "sign-in without password");
        if (push.Challenge == PushChallenges.Pick) rows.AddRow("[grey]Numbers[/]", $"[bold]{string.Join("   ", push.Numbers ?? [])}[/]  (pick the one the app shows)");
        if (push.Challenge == PushChallenges.Type) rows.AddRow("[grey]Code[/]", "type the code the app shows");
        AnsiConsole.Write(new Panel(rows) { Header = new PanelHeader(" Did you just try to sign in? "), Border = BoxBorder.Rounded });
    }

    public override void Answered(PushAnswerResult result) => AnsiConsole.MarkupLine(result.Status == "APPROVED"
        ? "[green]Approved.[/]"
        : $"[red]Denied[/]{(result.Reason == "WRONG_NUMBER" ? " — that was not the number the app showed." : result.Reason == "NOT_ME" ? " and reported." : ".")}");

    public override void Resolved(PushResolution resolution) =>
        AnsiConsole.MarkupLine($"[grey]Push {Markup.Escape(resolution.TransactionId)} ended: {Markup.Escape(resolution.Status)}.[/]");

    public override void Notice(PushNotice notice) => AnsiConsole.MarkupLine($"[yellow]Notice:[/] {Markup.Escape(notice.Text)}");

    public override void Error(string message) => AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");

    /// <summary>Asks the user what to answer.</summary>
    public static Answer Ask(PushNotification push)
    {
        const string deny = "No, deny", notMe = "This wasn't me (deny and report)";
        if (push.Challenge == PushChallenges.Type)
        {
            var typed = AnsiConsole.Prompt(new TextPrompt<string>("Type the code the app shows (empty to deny):").AllowEmpty());
            return typed.Trim().Length == 0 ? new Answer(PushDecisions.Deny, null) : new Answer(PushDecisions.Approve, typed.Trim());
        }
        var choices = push.Challenge == PushChallenges.Pick ? [.. push.Numbers ?? [], deny, notMe] : new List<string> { "Yes, it's me", deny, notMe };
        var picked = AnsiConsole.Prompt(new SelectionPrompt<string>()
            .Title(push.Challenge == PushChallenges.Pick ? "Which number does the app show?" : "Approve this sign-in?").AddChoices(choices));
        return picked switch
        {
            deny => new Answer(PushDecisions.Deny, null),
            notMe => new Answer(PushDecisions.NotMe, null),
            "Yes, it's me" => new Answer(PushDecisions.Approve, null),
            _ => new Answer(PushDecisions.Approve, picked),
        };
    }
}
