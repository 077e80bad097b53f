using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Cli.Authenticator.Passkeys;
using DirectAuth.Client;

namespace DirectAuth.Cli.Login;

/// <summary>
/// Drives one sign-in through the SDK's steps, the way the seeds' "client app" does: start the chosen flow, let the
/// user pick a second factor when the policy asks, wait for the push, ask for codes, and report the outcome.
/// </summary>
public sealed class LoginFlow(LoginSettings settings, LoginUi ui)
{
    private const int CodeAttempts = 3;
    private string? _otpFromFlag = settings.Otp;
    private Func<Task<SignInStep>>? _resend;   // sends a new SMS or voice code: the same start or factor choice again
    private string? _shownNumber;               // the number challenge of the last push, for a denial's message
    private (string Username, string Password)? _credentials; // kept for --enroll, which signs in again with them
    private bool _enrolled;

    public async Task<int> RunAsync(DirectAuthClient client, CancellationToken ct)
    {
        var step = await StartAsync(client, ct);
        while (true)
        {
            switch (step)
            {
                case SignInSuccess success:
                    var signOut = settings.SignOut ? await SignOutAsync(client, success.Tokens, ct) : null;
                    ui.ShowSignedIn(success.Tokens, signOut);
                    return LoginExitCodes.Success;
                case SignInFailed { Error.NoEnrolledFactor: true } when settings.Enroll && !_enrolled && _credentials is { } credentials:
                    _enrolled = true;
                    if (!await new FirstFactorEnrollment(settings, ui).RunAsync(credentials.Username, credentials.Password, ct)) return LoginExitCodes.Error;
                    step = await StartAsync(client, ct);
                    break;
                case SignInFailed failed:
                    var code = LoginExitCodes.For(failed.Kind);
                    ui.ShowFailure(failed.Error, code, _shownNumber);
                    return code;
                case MfaRequired mfa:
                    step = await ChooseSecondFactorAsync(mfa, ct);
                    break;
                case Waiting waiting:
                    _shownNumber = waiting.BindingCode;
                    step = await ui.WaitForPushAsync(waiting, ct);
                    break;
                case CodeNeeded needed:
                    var resend = needed.Factor is Factor.Sms or Factor.Voice && ui.CanPrompt ? _resend : null;
                    if (needed.Factor is Factor.Sms or Factor.Voice) ui.ShowCodeSent(needed.Factor, resend is not null && _otpFromFlag is null, needed.Destination);
                    step = await WithRetriesAsync(needed.Factor, code => needed.SubmitCodeAsync(code, ct), ct, resend, needed.Destination);
                    break;
                case PasskeyNeeded passkey:
                    step = await AnswerPasskeyAsync(passkey, ct);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected sign-in step {step.GetType().Name}.");
            }
        }
    }

    private async Task<SignInStep> StartAsync(DirectAuthClient client, CancellationToken ct)
    {
        if (settings.Flow == LoginFlowKind.Passkey)
            return await ui.WhileBusyAsync("Asking for a passkey challenge…", () => client.SignInWithPasskeyAsync(settings.Username, ct));
        var username = _credentials?.Username ?? settings.Username ?? ui.Ask("Username");
        switch (settings.Flow)
        {
            case LoginFlowKind.Password:
                var password = _credentials?.Password ?? settings.Password ?? ui.AskSecret("Password");
                _credentials = (username, password);
                return await ui.WhileBusyAsync("Signing in…", () => client.SignInWithPasswordAsync(username, password, ct));
            case LoginFlowKind.Otp:
                return await WithRetriesAsync(Factor.Otp, code => client.SignInWithOtpAsync(username, code, ct), ct);
            default:
                var channel = settings.Flow switch { LoginFlowKind.Sms => OobChannel.Sms, LoginFlowKind.Voice => OobChannel.Voice, _ => OobChannel.Push };
                _resend = () => client.SignInWithOobAsync(username, channel, ct);
                return await ui.WhileBusyAsync(channel == OobChannel.Push ? "Sending a push…" : "Sending a code…",
                    () => client.SignInWithOobAsync(username, channel, ct));
        }
    }

    private async Task<SignInStep> ChooseSecondFactorAsync(MfaRequired mfa, CancellationToken ct)
    {
        ui.ShowMfaRequired();
        var factor = settings.SecondFactor ?? ui.ChooseFactor(mfa.Factors);
        _resend = () => mfa.ChooseAsync(factor, ct);
        var sending = factor switch { Factor.Push => "Sending a push…", Factor.Sms or Factor.Voice => "Sending a code…", _ => null };
        return sending is null ? await mfa.ChooseAsync(factor, ct) : await ui.WhileBusyAsync(sending, () => mfa.ChooseAsync(factor, ct));
    }

    // The authenticator's software passkey answers, as the OS passkey API would in an app; its counter is saved first.
    private async Task<SignInStep> AnswerPasskeyAsync(PasskeyNeeded needed, CancellationToken ct)
    {
        AuthenticatorState state;
        try { state = AuthenticatorState.Load(settings.AuthenticatorState); }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new LoginInputException($"Cannot read the authenticator's state file {settings.AuthenticatorState}: {ex.Message}");
        }
        using var document = JsonDocument.Parse(needed.RequestOptionsJson);
        var options = document.RootElement;
        PasskeyAccount account;
        SignedAssertion signed;
        try
        {
            account = SoftwarePasskey.Choose(state.Passkeys, options, settings.Username);
            signed = SoftwarePasskey.Sign(account, options, null);
        }
        catch (PasskeyException ex)
        {
            throw new LoginInputException(ex.Message);
        }
        state.Save(settings.AuthenticatorState);
        ui.ShowPasskey(account.Name, account.Login);
        var assertion = Client.PasskeyAssertion.FromBase64Url(signed.CredentialId, signed.ClientDataJson, signed.AuthenticatorData, signed.Signature, signed.UserHandle);
        return await ui.WhileBusyAsync("Checking the passkey…", () => needed.SubmitAssertionAsync(assertion, ct));
    }

    // A mistyped code is asked again (up to three tries) when there is a person to ask; a code from --otp is tried once.
    // With resend (SMS, voice), an empty answer asks the server for a new code; its send limit may refuse for a while.
    private async Task<SignInStep> WithRetriesAsync(
        Factor factor, Func<string, Task<SignInStep>> submit, CancellationToken ct, Func<Task<SignInStep>>? resend = null, string? destination = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var fromFlag = _otpFromFlag;
            _otpFromFlag = null;
            var code = fromFlag ?? ui.AskCode(factor, allowEmpty: resend is not null, destination);
            if (fromFlag is null && resend is not null && code.Trim().Length == 0)
            {
                attempt--;
                var again = await ui.WhileBusyAsync("Sending a new code…", resend);
                if (again is SignInFailed { Kind: DirectAuthErrorKind.RateLimited } refused) { ui.ShowResendRefused(refused.Error); continue; }
                if (again is not CodeNeeded fresh) return again;
                ui.ShowCodeSent(fresh.Factor, true, fresh.Destination);
                (submit, destination) = (next => fresh.SubmitCodeAsync(next, ct), fresh.Destination);
                continue;
            }
            var result = await ui.WhileBusyAsync("Checking the code…", () => submit(code));
            if (result is SignInFailed { Kind: DirectAuthErrorKind.InvalidCode } failed && fromFlag is null && ui.CanPrompt && attempt < CodeAttempts)
            {
                ui.ShowRetry(failed.Error);
                continue;
            }
            return result;
        }
    }

    // --sign-out: revoke what was just issued, as an app does when the user signs out. Returns the outcome to report.
    private static async Task<SignOutOutcome> SignOutAsync(DirectAuthClient client, TokenSet tokens, CancellationToken ct)
    {
        try
        {
            await client.SignOutAsync(tokens, ct);
            return new SignOutOutcome(null);
        }
        catch (DirectAuthException ex)
        {
            return new SignOutOutcome(ex.Error);
        }
    }
}

/// <summary>What happened to <c>--sign-out</c>: the error, or null when the tokens were revoked.</summary>
public sealed record SignOutOutcome(DirectAuthError? Error);
