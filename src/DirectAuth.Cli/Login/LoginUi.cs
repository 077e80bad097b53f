using System.Globalization;
using System.Text.Json.Nodes;
using DirectAuth.Client;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;

namespace DirectAuth.Cli.Login;

/// <summary>
/// Everything <c>directauth login</c> shows and asks. For people: prompts (the password hidden), a factor menu,
/// the number to tap in big digits with a spinner, and the signed-in user's claims. With <c>--json</c> the result is
/// one JSON object on stdout and anything said to the person goes to stderr.
/// </summary>
public sealed class LoginUi
{
    private readonly IAnsiConsole _console;
    private readonly bool _json;

    public LoginUi(bool json)
    {
        _json = json;
        _console = json ? CliConsole.ForStandardError() : AnsiConsole.Console;
    }

    /// <summary>True when there is a terminal to ask on.</summary>
    public bool CanPrompt => _console.Profile.Capabilities.Interactive && !Console.IsInputRedirected;

    public void ShowHeader(LoginSettings settings)
    {
        if (_json) return;
        _console.Write(new Rule("[bold]DirectAuth sign-in[/]").LeftJustified());
        _console.MarkupLine($"[grey]{Markup.Escape(settings.Issuer.ToString())} · app {Markup.Escape(settings.ClientId)}[/]");
    }

    public string Ask(string label) => _console.Prompt(new TextPrompt<string>($"[bold]{Require(label)}[/]:"));

    public string AskSecret(string label) => _console.Prompt(new TextPrompt<string>($"[bold]{Require(label)}[/]:").Secret());

    /// <param name="destination">SMS or voice: the masked number the code went to, when the server said (<see cref="CodeNeeded.Destination"/>).</param>
    public string AskCode(Factor factor, bool allowEmpty = false, string? destination = null)
    {
        var label = factor switch
        {
            Factor.Sms => "Code from the text message" + (destination is null ? "" : $" sent to {Markup.Escape(destination)}"),
            Factor.Voice => "Code from the phone call" + (destination is null ? "" : $" to {Markup.Escape(destination)}"),
            Factor.RecoveryCode => "Recovery code",
            _ => "Code from your authenticator app",
        };
        var prompt = new TextPrompt<string>($"[bold]{Require(label)}[/]:");
        return _console.Prompt(allowEmpty ? prompt.AllowEmpty() : prompt);
    }

    public Factor ChooseFactor(IReadOnlyList<Factor> factors)
    {
        if (factors.Count == 0) throw new LoginInputException("The server offers no second factor this app supports.");
        Require("a second factor (--factor)");
        return _console.Prompt(new SelectionPrompt<Factor>()
            .Title("[bold]How do you want to verify?[/]")
            .AddChoices(factors)
            .UseConverter(Describe));
    }

    public void ShowPasskey(string name, string login) => Say($"Signing the passkey challenge with the software passkey '{Markup.Escape(name)}' of {Markup.Escape(login)}.");

    public void ShowEnrollmentNeeded() =>
        Say("[yellow]This app needs a second factor, and you have none yet.[/] Set up an authenticator app now (--enroll).");

    /// <summary>The new TOTP factor: its QR code to scan, and the secret to type where scanning is not possible.</summary>
    public void ShowTotpEnrollment(string otpauthUri, string secret)
    {
        if (_json)
        {
            Console.Error.WriteLine($"Add this to your authenticator app: {otpauthUri}");
            return;
        }
        _console.MarkupLine("Scan this QR code with your authenticator app (Google Authenticator, 1Password, …):");
        Console.Out.WriteLine(Admin.TerminalQrCode.Render(otpauthUri));
        _console.MarkupLine($"Or type this secret: [bold]{Markup.Escape(secret)}[/]");
        _console.MarkupLine($"[grey]{Markup.Escape(otpauthUri)}[/]");
    }

    public void ShowEnrollmentRetry(string description) => Say($"[red]✗ Wrong code:[/] {Markup.Escape(description)} Try again with the code the app shows now.");

    public void ShowEnrollmentRefused(string description) => Say($"[bold red]✗ Could not set up the authenticator app:[/] {Markup.Escape(description)}");

    /// <summary>The factor is active; its recovery codes are shown this once.</summary>
    public void ShowEnrolled(IReadOnlyList<string> recoveryCodes)
    {
        Say("[green]✔ Authenticator app added.[/]");
        if (recoveryCodes.Count > 0)
        {
            if (_json) Console.Error.WriteLine("Recovery codes (shown once; each works once if you lose the app): " + string.Join(' ', recoveryCodes));
            else
            {
                _console.Write(new Panel(new Markup(Markup.Escape(string.Join(Environment.NewLine, recoveryCodes))))
                    .Header("[bold] Recovery codes [/]").Border(BoxBorder.Rounded));
                _console.MarkupLine("[yellow]Shown once: keep them somewhere safe. Each works once, if you lose the app.[/]");
            }
        }
        Say("Signing in again with it: use the next code the app shows.");
    }

    public void ShowMfaRequired() => Say("[yellow]One more step: this app also needs a second factor.[/]");

    // The server's description usually ends "…and try again." already; say it once.
    public void ShowRetry(DirectAuthError error) => Say($"[red]✗ Wrong code:[/] {Markup.Escape(error.Description)}"
        + (error.Description.Contains("try again", StringComparison.OrdinalIgnoreCase) ? "" : " Try again."));

    /// <summary>
    /// Where an SMS or voice code went: the masked number when the server names it (DirectAuth does, Okta does not),
    /// else the channel; pressing Enter on an empty prompt sends a new code.
    /// </summary>
    public void ShowCodeSent(Factor factor, bool canResend, string? destination = null)
    {
        var phone = destination is null ? "your phone" : $"[bold]{Markup.Escape(destination)}[/]";
        Say((factor == Factor.Voice ? $"Calling {phone} (voice) with a code." : $"A code was sent to {phone} (sms).")
            + (canResend ? " [grey]Press Enter without a code to get a new one.[/]" : ""));
    }

    public void ShowResendRefused(DirectAuthError error) => Say(error.RetryAfter is { } at
        ? $"[yellow]A new code can be sent after {at.ToLocalTime():HH:mm:ss}.[/] Type the code you have, or press Enter again then."
        : $"[yellow]No new code was sent:[/] {Markup.Escape(error.Description)}");

    /// <summary>Runs <paramref name="work"/> under a spinner (for people) or silently (for scripts).</summary>
    public async Task<T> WhileBusyAsync<T>(string text, Func<Task<T>> work)
    {
        if (_json || !_console.Profile.Capabilities.Interactive) return await work();
        return await _console.Status().Spinner(Spinner.Known.Dots).StartAsync(text, _ => work());
    }

    public async Task<SignInStep> WaitForPushAsync(Waiting waiting, CancellationToken ct)
    {
        if (waiting.BindingCode is { } number)
        {
            if (_json) Console.Error.WriteLine($"Number challenge: tap {number} in your authenticator app.");
            else _console.Write(new Panel(new Rows(
                    new Markup("On your phone, tap this number:"),
                    new FigletText(number).Color(Color.Yellow)))
                .Header("[bold] Number challenge [/]").Border(BoxBorder.Rounded).BorderColor(Color.Yellow));
        }
        else Say("A push was sent to your authenticator app. Approve it on your phone.");

        SignInStep step = waiting;
        if (_json || !_console.Profile.Capabilities.Interactive)
            return await waiting.WaitAsync(ct);
        await _console.Status().Spinner(Spinner.Known.Dots).SpinnerStyle(Style.Parse("yellow")).StartAsync(WaitText(waiting), async ctx =>
        {
            // The countdown ticks every second while a poll (every few seconds) is under way.
            while (step == waiting)
            {
                var poll = waiting.PollAsync(ct);
                while (!poll.IsCompleted)
                {
                    await Task.WhenAny(poll, Task.Delay(TimeSpan.FromSeconds(1), ct));
                    ctx.Status(WaitText(waiting));
                }
                step = await poll;
            }
        });
        return step;
    }

    public void ShowSignedIn(TokenSet tokens, SignOutOutcome? signOut)
    {
        var claims = Claims(tokens.IdToken);
        if (_json)
        {
            var json = new JsonObject
            {
                ["status"] = LoginExitCodes.Status(LoginExitCodes.Success),
                ["subject"] = tokens.Subject,
                ["claims"] = claims,
                ["token_type"] = tokens.TokenType,
                ["access_token"] = tokens.AccessToken,
                ["expires_at"] = tokens.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
                ["scope"] = tokens.Scope,
                ["refresh_token"] = tokens.RefreshToken,
                ["id_token"] = tokens.IdToken,
            };
            if (signOut is not null) json["signed_out"] = signOut.Error is null;
            Console.Out.WriteLine(json.ToJsonString());
            return;
        }

        var name = Claim(claims, "name") ?? Claim(claims, "preferred_username") ?? tokens.Subject ?? "(no id_token)";
        var login = Claim(claims, "preferred_username");
        _console.Write(new Panel(new Markup(
                $"[bold green]✔ Signed in as {Markup.Escape(name)}[/]" + (login is not null && login != name ? $" [grey]({Markup.Escape(login)})[/]" : "")))
            .Border(BoxBorder.Rounded).BorderColor(Color.Green));
        if (claims is not null)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("[bold]Claim[/]").AddColumn("[bold]Value[/]");
            foreach (var (key, value) in claims) table.AddRow(Markup.Escape(key), Markup.Escape(Show(key, value)));
            _console.Write(table);
        }
        var until = tokens.ExpiresAt is { } at ? $"valid until {at.ToLocalTime():HH:mm:ss}" : "no expiry given";
        _console.MarkupLine($"[grey]Access token ({Markup.Escape(tokens.TokenType)}) {until} · scopes: {Markup.Escape(tokens.Scope ?? "-")} · refresh token: {(tokens.RefreshToken is null ? "no" : "yes")}[/]");
        if (signOut is not null)
            _console.MarkupLine(signOut.Error is null
                ? "[grey]Signed out: the tokens are revoked.[/]"
                : $"[red]Sign-out failed:[/] {Markup.Escape(signOut.Error.Description)}");
    }

    /// <param name="shownNumber">For a push with number challenge, the number that was shown, to name it after a wrong number.</param>
    public void ShowFailure(DirectAuthError error, int exitCode, string? shownNumber = null)
    {
        if (_json)
        {
            Console.Out.WriteLine(new JsonObject
            {
                ["status"] = LoginExitCodes.Status(exitCode),
                ["error"] = new JsonObject
                {
                    ["kind"] = error.Kind.ToString(), ["code"] = error.Code, ["description"] = error.Description,
                    ["status_code"] = error.StatusCode, ["error_id"] = error.ErrorId,
                    ["retry_after"] = error.RetryAfter?.ToString("O", CultureInfo.InvariantCulture),
                    ["wrong_number"] = error.WrongNumber,
                },
            }.ToJsonString());
            return;
        }
        var headline = error.Kind switch
        {
            DirectAuthErrorKind.InvalidCredentials => "Wrong username or password",
            DirectAuthErrorKind.InvalidCode => "Wrong code",
            DirectAuthErrorKind.Denied when error.WrongNumber => "Wrong number",
            DirectAuthErrorKind.Denied when shownNumber is not null => "Sign-in denied on your phone",
            DirectAuthErrorKind.Denied => "Sign-in denied",
            DirectAuthErrorKind.Expired => "Sign-in expired",
            DirectAuthErrorKind.RateLimited => "Too many attempts",
            _ => "Sign-in failed",
        };
        // A 429 says when the limit resets (X-Rate-Limit-Reset): a person wants to know how long to wait.
        var retry = error.RetryAfter is { } at ? $" Try again after {at.ToLocalTime():HH:mm:ss}." : "";
        // DirectAuth words a wrong number apart (still access_denied): say it to the person, who tapped it. A new
        // sign-in shows a new number.
        var said = error.WrongNumber
            ? $"You tapped a different number than the one shown{(shownNumber is null ? "" : $" ({shownNumber})")}; try again: sign in again and tap the number it shows."
            : error.Description;
        if (error.NoEnrolledFactor) said += " Run again with --enroll to set up an authenticator app now.";
        _console.MarkupLine($"[bold red]✗ {headline}[/]: {Markup.Escape(said + retry)}"
            + (error.Code is null ? "" : $" [grey]({Markup.Escape(error.Code)}{(error.ErrorId is null ? "" : ", " + Markup.Escape(error.ErrorId))})[/]"));
    }

    public void ShowProblem(string message, int exitCode)
    {
        if (_json) Console.Out.WriteLine(new JsonObject { ["status"] = LoginExitCodes.Status(exitCode), ["message"] = message }.ToJsonString());
        else _console.MarkupLine($"[bold red]✗[/] {Markup.Escape(message)}");
    }

    private void Say(string markup)
    {
        if (_json) Console.Error.WriteLine(Markup.Remove(markup));
        else _console.MarkupLine(markup);
    }

    private string Require(string what) =>
        CanPrompt ? what : throw new LoginInputException($"Missing {what}: there is no terminal to ask on, so pass it as a flag.");

    private static string WaitText(Waiting waiting)
    {
        var left = waiting.ExpiresAt - DateTimeOffset.UtcNow;
        var clock = left > TimeSpan.Zero ? $"{(int)left.TotalMinutes}:{left.Seconds:00}" : "0:00";
        var tap = waiting.BindingCode is { } n ? $" — tap [bold yellow]{Markup.Escape(n)}[/]" : "";
        return $"Waiting for your approval on your phone{tap}… [grey](expires in {clock})[/]";
    }

    private static string Describe(Factor factor) => factor switch
    {
        Factor.Push => "Push to my authenticator app",
        Factor.Otp => "Code from my authenticator app",
        Factor.Sms => "Text message (SMS)",
        Factor.Voice => "Voice call",
        Factor.RecoveryCode => "Recovery code",
        Factor.Passkey => "Passkey (this terminal's software passkey)",
        _ => factor.ToString(),
    };

    // The id_token was validated by the SDK before it got here; this only reads its payload for display.
    private static JsonObject? Claims(string? idToken)
    {
        if (idToken is null) return null;
        var parts = idToken.Split('.');
        return parts.Length == 3 ? JsonNode.Parse(Base64UrlEncoder.Decode(parts[1])) as JsonObject : null;
    }

    private static string? Claim(JsonObject? claims, string name) =>
        claims?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Show(string key, JsonNode? value)
    {
        if (key is "iat" or "exp" or "auth_time" or "nbf" && value is JsonValue v && v.TryGetValue<long>(out var seconds))
            return $"{DateTimeOffset.FromUnixTimeSeconds(seconds).ToLocalTime():yyyy-MM-dd HH:mm:ss} ({seconds})";
        if (value is JsonArray array) return string.Join(", ", array.Select(a => a?.ToString()));
        return value?.ToString() ?? "null";
    }
}

/// <summary>Something the user must provide could not be asked for.</summary>
public sealed class LoginInputException(string message) : Exception(message);
