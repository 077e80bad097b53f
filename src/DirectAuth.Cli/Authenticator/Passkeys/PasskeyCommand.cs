using System.CommandLine;
using System.Text.Json;
using DirectAuth.Cli.Admin;

namespace DirectAuth.Cli.Authenticator.Passkeys;

/// <summary>
/// <c>directauth authenticator passkey ...</c>: a software passkey provider. <c>register</c> enrolls a webauthn factor
/// through the Factors API (with the admin token, as <c>directauth admin</c> finds it) and answers its creation
/// options; <c>sign</c> answers a passkey challenge; <c>list</c> and <c>remove</c> manage the local passkeys.
/// Exit codes: 0 done, 1 refused (by the server or for lack of a passkey), 2 the server could not be reached.
/// </summary>
public static class PasskeyCommand
{
    public static Command Create()
    {
        var command = new Command("passkey", "A software passkey (WebAuthn, ES256): register one for a user, answer passkey challenges.")
        {
            Register(), Sign(), List(), Remove(),
        };
        return command;
    }

    private static Command Register()
    {
        var user = new Option<string>("--user") { Description = "The user's login (or id)", Required = true };
        var name = new Option<string?>("--name") { Description = "The passkey's name, shown in the factor's profile (default: this machine's name)" };
        var attestation = new Option<string>("--attestation") { Description = "Attestation format: none (default) or packed (self-attestation)", DefaultValueFactory = _ => "none" };
        attestation.AcceptOnlyFromAmong("none", "packed");
        var origin = new Option<string?>("--origin") { Description = "The origin to write into clientDataJSON (default: the server's origin)" };
        var server = ServerOption();
        var token = new Option<string?>("--token")
        {
            Description = "Admin API token [default: env DIRECTAUTH_ADMIN_TOKEN]",
        };
        var command = new Command("register", "Enroll a webauthn factor for a user and create its passkey here (needs the admin token).")
        {
            user, name, attestation, origin, server, token,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(AuthenticatorCommand.State)!;
            try
            {
                var serverUrl = parse.GetValue(server)!;
                using var api = ManagementClient.Connect(serverUrl, AdminCommand.TokenFrom(parse, token));
                var state = AuthenticatorState.Load(path);
                var account = await PasskeyRegistrar.RegisterAsync(api, state, parse.GetValue(user)!, parse.GetValue(name) ?? Environment.MachineName,
                    serverUrl, parse.GetValue(origin) ?? SoftwarePasskey.OriginOf(serverUrl), parse.GetValue(attestation) == "packed", ct);
                state.Passkeys.Add(account);
                state.Save(path);
                Console.WriteLine($"Registered passkey '{account.Name}' for {account.Login} (RP id {account.RpId}, factor {account.FactorId}, credential {account.CredentialId}). Key saved in {path}.");
                return 0;
            }
            catch (Exception ex) when (ex is ApiErrorException or PasskeyException)
            {
                Console.Error.WriteLine($"Passkey registration failed: {ex.Message}");
                return AdminAction.Refused;
            }
            catch (ConnectionProblemException ex)
            {
                Console.Error.WriteLine($"Passkey registration failed: {ex.Message}");
                return AdminAction.Unreachable;
            }
        });
        return command;
    }

    private static Command Sign()
    {
        var options = new Option<string?>("--options") { Description = "The challenge JSON (the /primary-authenticate or /challenge answer, or its publicKey); default: read from standard input" };
        var user = new Option<string?>("--user") { Description = "Which user's passkey, when several could answer a discoverable (empty allowCredentials) challenge" };
        var origin = new Option<string?>("--origin") { Description = "The origin to write into clientDataJSON (default: the one kept at registration)" };
        var command = new Command("sign", "Answer a passkey challenge: prints the assertion as JSON with the fields /token takes (base64url).")
        {
            options, user, origin,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(AuthenticatorCommand.State)!;
            try
            {
                var text = parse.GetValue(options) ?? Console.In.ReadToEnd();
                JsonDocument document;
                try { document = JsonDocument.Parse(text); }
                catch (JsonException ex) { throw new PasskeyException($"The challenge is not JSON: {ex.Message}"); }
                using var parsed = document;
                var json = parsed.RootElement;
                var state = AuthenticatorState.Load(path);
                var request = SoftwarePasskey.RequestOptions(json);
                var account = SoftwarePasskey.Choose(state.Passkeys, request, parse.GetValue(user));
                var assertion = SoftwarePasskey.Sign(account, request, parse.GetValue(origin));
                state.Save(path);
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["credentialId"] = assertion.CredentialId,
                    ["clientDataJSON"] = assertion.ClientDataJson,
                    ["authenticatorData"] = assertion.AuthenticatorData,
                    ["signature"] = assertion.Signature,
                    ["userHandle"] = assertion.UserHandle,
                }, PasskeyJson.Default.DictionaryStringString));
                return 0;
            }
            catch (PasskeyException ex)
            {
                Console.Error.WriteLine($"Cannot answer the passkey challenge: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the passkeys this authenticator holds.");
        command.SetAction(parse =>
        {
            var state = AuthenticatorState.Load(parse.GetValue(AuthenticatorCommand.State)!);
            if (state.Passkeys.Count == 0) Console.WriteLine("No passkeys yet.");
            foreach (var p in state.Passkeys)
                Console.WriteLine($"passkey  {p.Login}  {p.Server}  rp {p.RpId}  '{p.Name}'  factor {p.FactorId}  credential {p.CredentialId}  counter {p.Counter}");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "The passkey's credential id or factor id (from 'passkey list')" };
        var command = new Command("remove", "Forget a passkey here (the factor stays on the server: delete it with 'directauth admin factors delete').") { id };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(AuthenticatorCommand.State)!;
            var state = AuthenticatorState.Load(path);
            var which = parse.GetValue(id)!;
            var removed = state.Passkeys.RemoveAll(p => p.CredentialId == which || p.FactorId == which);
            if (removed == 0)
            {
                Console.Error.WriteLine($"No passkey with credential or factor id {which}.");
                return 1;
            }
            state.Save(path);
            Console.WriteLine($"Removed passkey {which}.");
            return 0;
        });
        return command;
    }

    private static Option<string> ServerOption() => new("--server")
    {
        Description = "DirectAuth server URL (env DIRECTAUTH_URL)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DIRECTAUTH_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:5080",
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PasskeyJson : System.Text.Json.Serialization.JsonSerializerContext;
