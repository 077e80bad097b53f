using DirectAuth.Client;

namespace ConsoleSignIn;

/// <summary>Each second factor on its own, after the password got MfaRequired.</summary>
public static class SecondFactorExamples
{
    // <snippet:mfa-push>
    public static async Task<TokenSet?> PasswordThenPushAsync(DirectAuthClient client, string username, string password, CancellationToken ct)
    {
        var step = await client.SignInWithPasswordAsync(username, password, ct);
        if (step is MfaRequired mfa)
            step = await mfa.ChooseAsync(Factor.Push, ct);      // POST /challenge with channel_hint=push
        if (step is Waiting push)
        {
            if (push.BindingCode is { } number) Console.WriteLine($"On your phone, tap {number}.");
            step = await push.WaitAsync(ct);
        }
        // Otherwise SignInFailed: Denied (denied, or the wrong number picked), Expired (not answered in time), ...
        return (step as SignInSuccess)?.Tokens;
    }
    // </snippet:mfa-push>

    // <snippet:mfa-otp>
    public static async Task<TokenSet?> PasswordThenOtpAsync(DirectAuthClient client, string username, string password, CancellationToken ct)
    {
        var step = await client.SignInWithPasswordAsync(username, password, ct);
        if (step is MfaRequired mfa)
            step = await mfa.VerifyOtpAsync(Prompt.Ask("Code from your authenticator app"), ct);   // mfa-otp grant
        return (step as SignInSuccess)?.Tokens;
    }
    // </snippet:mfa-otp>

    // <snippet:mfa-sms>
    public static async Task<TokenSet?> PasswordThenSmsAsync(DirectAuthClient client, string username, string password, CancellationToken ct)
    {
        var step = await client.SignInWithPasswordAsync(username, password, ct);
        if (step is MfaRequired mfa)
            step = await mfa.ChooseAsync(Factor.Sms, ct);       // or Factor.Voice: the server texts or calls
        if (step is CodeNeeded code)
            step = await code.SubmitCodeAsync(Prompt.Ask($"Code from the text message sent to {code.Destination ?? "your phone"}"), ct);   // sent as binding_code
        return (step as SignInSuccess)?.Tokens;
    }
    // </snippet:mfa-sms>
}
