using DirectAuth.Authenticator;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DirectAuth.Protocol;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// <c>directauth authenticator ...</c>: the user's authenticator app (docs/authenticator.md). It holds
/// push accounts (activated with a code from the server), TOTP accounts and software passkeys, in a state file only
/// the user can read.
/// </summary>
public static class AuthenticatorCommand
{
    public static readonly Option<string> State = new("--state")
    {
        Description = "State file (env DIRECTAUTH_AUTHENTICATOR_STATE; default ~/.config/directauth/authenticator.json)",
        DefaultValueFactory = _ => AuthenticatorState.DefaultPath(),
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("authenticator", "The authenticator app: approve pushes (with number challenge), show TOTP codes, and hold software passkeys.")
        {
            ActivateCommand(), ListenCommand.Create(), CodesCommand(), AddTotpCommand(), AccountsCommand(), Passkeys.PasskeyCommand.Create(),
        };
        command.Options.Add(State);
        return command;
    }

    private static Command ActivateCommand()
    {
        var code = new Argument<string>("activation") { Description = "The activation link (directauth://push/activate?...) or the bare activation code" };
        var server = new Option<string?>("--server") { Description = "Server URL (overrides the link's; required with a bare code)" };
        var name = new Option<string?>("--name") { Description = "A name for this device, shown in the factor's profile", DefaultValueFactory = _ => Environment.MachineName };
        var command = new Command("activate", "Activate a push factor: generate this device's P-256 key and register it with the activation code.") { code, server, name };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(State)!;
            try
            {
                var (origin, activationCode) = PushDeviceClient.ParseActivation(parse.GetValue(code)!, parse.GetValue(server));
                using var http = new HttpClient();
                var account = await new PushDeviceClient(http, TimeProvider.System).ActivateAsync(origin, activationCode, parse.GetValue(name), ct);
                var state = AuthenticatorState.Load(path);
                state.Push.RemoveAll(a => a.FactorId == account.FactorId);
                state.Push.Add(account);
                state.Save(path);
                Console.WriteLine($"Activated push for {account.Login} on {account.Server} (factor {account.FactorId}). Key saved in {path}.");
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or UriFormatException or HttpRequestException or DeviceApiException)
            {
                Console.Error.WriteLine($"Activation failed: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CodesCommand()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per account" };
        var command = new Command("codes", "Show the current TOTP code of every TOTP account, and how long it stays valid.") { json };
        command.SetAction(parse =>
        {
            var state = AuthenticatorState.Load(parse.GetValue(State)!);
            if (state.Totp.Count == 0)
            {
                Console.Error.WriteLine("No TOTP accounts. Add one with: directauth authenticator add-totp 'otpauth://totp/...'");
                return 1;
            }
            var now = TimeProvider.System.GetUtcNow();
            foreach (var account in state.Totp)
            {
                var code = Totp.Code(account, now);
                var left = Totp.SecondsLeft(account, now);
                Console.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new { account = account.Account, issuer = account.Issuer, code, secondsLeft = left })
                    : $"{code}  {left,2}s  {account.Label}");
            }
            return 0;
        });
        return command;
    }

    private static Command AddTotpCommand()
    {
        var uri = new Argument<string>("uri") { Description = "otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer (as in the enrollment QR code)" };
        var replace = new Option<bool>("--replace") { Description = "Replace an account with the same issuer and account name (its old secret is lost)" };
        var command = new Command("add-totp", "Add a TOTP account from its otpauth:// URI.") { uri, replace };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(State)!;
            try
            {
                var account = Totp.Parse(parse.GetValue(uri)!);
                var state = AuthenticatorState.Load(path);
                var same = state.Totp.FindAll(a => a.Issuer == account.Issuer && a.Account == account.Account);
                if (same.Count > 0 && !parse.GetValue(replace))
                {
                    Console.Error.WriteLine($"There is already a TOTP account {account.Label}; nothing was changed. "
                        + "Pass --replace to overwrite it (its current codes stop working here).");
                    return 1;
                }
                state.Totp.RemoveAll(same.Contains);
                state.Totp.Add(account);
                state.Save(path);
                Console.WriteLine($"{(same.Count > 0 ? "Replaced" : "Added")} TOTP account {account.Label} ({account.Digits} digits, {account.Period}s, {account.Algorithm}).");
                return 0;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                Console.Error.WriteLine($"Not a usable otpauth URI: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command AccountsCommand()
    {
        var command = new Command("accounts", "List the push, TOTP and passkey accounts this authenticator holds.");
        command.SetAction(parse =>
        {
            var state = AuthenticatorState.Load(parse.GetValue(State)!);
            foreach (var p in state.Push)
                Console.WriteLine($"push  {p.Login}  {p.Server}  factor {p.FactorId}  activated {p.Activated.ToString("u", CultureInfo.InvariantCulture)}");
            foreach (var t in state.Totp) Console.WriteLine($"totp  {t.Label}");
            foreach (var k in state.Passkeys) Console.WriteLine($"passkey  {k.Login}  {k.Server}  rp {k.RpId}  '{k.Name}'  factor {k.FactorId}");
            if (state.Push.Count + state.Totp.Count + state.Passkeys.Count == 0) Console.WriteLine("No accounts yet.");
            return 0;
        });
        return command;
    }
}
