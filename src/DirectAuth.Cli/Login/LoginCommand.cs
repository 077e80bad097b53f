using System.CommandLine;
using DirectAuth.Client;

namespace DirectAuth.Cli.Login;

/// <summary>
/// <c>directauth login</c>: the seeds' "client app" in a terminal. Signs a user in with any of the five flows
/// through the DirectAuth.Client SDK, against DirectAuth or Okta. Exit codes: see <see cref="LoginExitCodes"/>.
/// </summary>
public static class LoginCommand
{
    private const string DefaultServer = "http://127.0.0.1:5080";

    private static readonly Option<string?> Issuer = new("--issuer")
    {
        Description = "Issuer of the authorization server, e.g. http://127.0.0.1:5080/oauth2/default or https://{yourOktaDomain}/oauth2/default (env DIRECTAUTH_ISSUER)",
    };

    private static readonly Option<string?> Server = new("--server")
    {
        Description = "DirectAuth server base URL; the issuer is then {server}/oauth2/default (env DIRECTAUTH_URL, default " + DefaultServer + ")",
    };

    private static readonly Option<string> ClientId = new("--client-id")
    {
        Description = "Client id of the app (env DIRECTAUTH_CLIENT_ID, default demo-app, which `scripts/run --demo` creates)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DIRECTAUTH_CLIENT_ID") is { Length: > 0 } id ? id : "demo-app",
    };

    private static readonly Option<string?> ClientSecret = new("--client-secret")
    {
        // No DefaultValueFactory: --help prints defaults, and a secret must not reach the terminal.
        Description = "Client secret of a confidential app (sent as client_secret_basic) [default: env DIRECTAUTH_CLIENT_SECRET]",
    };

    private static readonly Option<LoginFlowKind> Flow = new("--flow")
    {
        Description = "Primary factor: password, otp, push, sms, voice or passkey",
        DefaultValueFactory = _ => LoginFlowKind.Password,
    };

    private static readonly Option<string?> Username = new("--username", "-u")
    {
        Description = "Username (asked when missing; with --flow passkey optional: without it any of the user's passkeys may answer)",
    };

    private static readonly Option<string?> Password = new("--password", "-p")
    {
        Description = "Password (asked, hidden, when missing; prefer --password-stdin: flags show up in process lists)",
    };

    private static readonly Option<bool> PasswordStdin = new("--password-stdin") { Description = "Read the password from the first line of standard input" };

    private static readonly Option<string?> Otp = new("--otp")
    {
        Description = "The first code asked for: OTP for --flow otp or --factor otp, the SMS/voice code, or a recovery code",
    };

    private static readonly Option<string?> SecondFactor = new("--factor")
    {
        Description = "Second factor to use if the policy asks for one: otp, push, sms, voice, recovery or passkey (a menu is shown when missing)",
    };

    private static readonly Option<string> AuthenticatorState = new("--authenticator-state")
    {
        Description = "The authenticator's state file, whose software passkey answers passkey challenges (env DIRECTAUTH_AUTHENTICATOR_STATE; default ~/.config/directauth/authenticator.json)",
        DefaultValueFactory = _ => Authenticator.AuthenticatorState.DefaultPath(),
    };

    private static readonly Option<string> Scope = new("--scope")
    {
        Description = "Scopes to ask for",
        DefaultValueFactory = _ => "openid profile email offline_access",
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Print the outcome as one JSON object (tokens and claims) on stdout; prompts go to stderr" };

    private static readonly Option<bool> SignOut = new("--sign-out") { Description = "Revoke the tokens right after signing in" };

    private static readonly Option<bool> Enroll = new("--enroll")
    {
        Description = "If the app requires a second factor you have none of, set up an authenticator app (TOTP) then sign in with it (needs the app granted okta.myAccount.authenticators.manage)",
    };

    public static Command Create()
    {
        var login = new Command("login", "Sign in as a user, as an app would: password, OTP, push with number challenge, SMS, voice or passkey. " +
            "Exit codes: 0 signed in, 1 error, 2 denied (wrong password or code, push denied, wrong number), 3 expired, 130 cancelled.");
        foreach (var option in new Option[] { Issuer, Server, ClientId, ClientSecret, Flow, Username, Password, PasswordStdin, Otp, SecondFactor, AuthenticatorState, Scope, Json, SignOut, Enroll })
            login.Options.Add(option);
        login.SetAction(RunAsync);
        return login;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var json = parse.GetValue(Json);
        var ui = new LoginUi(json);
        LoginSettings settings;
        try
        {
            settings = Read(parse);
        }
        catch (LoginInputException ex)
        {
            ui.ShowProblem(ex.Message, LoginExitCodes.Error);
            return LoginExitCodes.Error;
        }

        ui.ShowHeader(settings);
        using var client = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = settings.Issuer,
            ClientId = settings.ClientId,
            ClientAuthentication = AuthenticationFor(settings),
            Scope = settings.Scope,
            SecondFactors = SecondFactorsFor(settings),
        });
        try
        {
            return await new LoginFlow(settings, ui).RunAsync(client, ct);
        }
        catch (LoginInputException ex)
        {
            ui.ShowProblem(ex.Message, LoginExitCodes.Error);
            return LoginExitCodes.Error;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            ui.ShowProblem("Cancelled.", LoginExitCodes.Cancelled);
            return LoginExitCodes.Cancelled;
        }
    }

    private static LoginSettings Read(ParseResult parse)
    {
        var password = parse.GetValue(Password);
        if (parse.GetValue(PasswordStdin))
            password = Console.In.ReadLine() ?? throw new LoginInputException("--password-stdin: standard input is empty.");
        return new LoginSettings
        {
            Issuer = ResolveIssuer(parse.GetValue(Issuer), parse.GetValue(Server)),
            ClientId = parse.GetValue(ClientId)!,
            ClientSecret = new[] { parse.GetValue(ClientSecret), Environment.GetEnvironmentVariable("DIRECTAUTH_CLIENT_SECRET") }.FirstOrDefault(s => !string.IsNullOrEmpty(s)),
            Scope = parse.GetValue(Scope)!,
            Flow = parse.GetValue(Flow),
            Username = parse.GetValue(Username),
            Password = password,
            Otp = parse.GetValue(Otp),
            SecondFactor = ParseFactor(parse.GetValue(SecondFactor)),
            Json = parse.GetValue(Json),
            SignOut = parse.GetValue(SignOut),
            Enroll = parse.GetValue(Enroll),
            AuthenticatorState = parse.GetValue(AuthenticatorState)!,
        };
    }

    /// <summary>How the app authenticates at the token endpoint: client_secret_basic with a secret, else none (a public app).</summary>
    public static ClientAuthentication AuthenticationFor(LoginSettings settings) =>
        settings.ClientSecret is { } secret ? ClientAuthentication.ClientSecretBasic(secret) : ClientAuthentication.None;

    // A passkey is offered as a second factor when the authenticator holds one (or --factor passkey asks for it).
    private static IReadOnlyList<Factor> SecondFactorsFor(LoginSettings settings)
    {
        var defaults = new DirectAuthClientOptions { Issuer = settings.Issuer, ClientId = settings.ClientId }.SecondFactors;
        var passkey = settings.SecondFactor == Factor.Passkey || (settings.SecondFactor is null && HoldsPasskey(settings.AuthenticatorState));
        return passkey ? [.. defaults, Factor.Passkey] : defaults;
    }

    // An unreadable state file offers no passkey here; --factor passkey then says why it cannot be read.
    private static bool HoldsPasskey(string path)
    {
        try { return Authenticator.AuthenticatorState.Load(path).Passkeys.Count > 0; }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException) { return false; }
    }

    private static Uri ResolveIssuer(string? issuer, string? server)
    {
        issuer ??= server is null ? Environment.GetEnvironmentVariable("DIRECTAUTH_ISSUER") : null;
        if (string.IsNullOrEmpty(issuer))
        {
            var origin = server ?? (Environment.GetEnvironmentVariable("DIRECTAUTH_URL") is { Length: > 0 } url ? url : DefaultServer);
            issuer = origin.TrimEnd('/') + "/oauth2/default";
        }
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new LoginInputException($"'{issuer}' is not an http(s) URL.");
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new LoginInputException($"'{issuer}' must use https (only loopback addresses may use http).");
        return uri;
    }

    private static Factor? ParseFactor(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "otp" or "totp" => Factor.Otp,
        "push" => Factor.Push,
        "sms" => Factor.Sms,
        "voice" or "call" => Factor.Voice,
        "recovery" or "recovery-code" => Factor.RecoveryCode,
        "passkey" or "webauthn" => Factor.Passkey,
        _ => throw new LoginInputException($"--factor '{value}' is not one of otp, push, sms, voice, recovery, passkey."),
    };
}
