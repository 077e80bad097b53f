using DirectAuth.Client;

namespace ConsoleSignIn;

/// <summary>Signing in without a password: OTP, push, SMS and voice as the first factor.</summary>
public static class PrimaryFactorExamples
{
    // <snippet:otp-primary>
    public static async Task<TokenSet?> SignInWithOtpAsync(DirectAuthClient client, string username, CancellationToken ct)
    {
        var otp = Prompt.Ask("Code from your authenticator app");
        var step = await client.SignInWithOtpAsync(username, otp, ct);
        // Tokens, or MfaRequired if the policy wants a second factor too: the complete loop handles both.
        return await CompleteSignIn.FollowAsync(step, ct);
    }
    // </snippet:otp-primary>

    // <snippet:push-primary>
    public static async Task<TokenSet?> SignInWithPushAsync(DirectAuthClient client, string username, CancellationToken ct)
    {
        var step = await client.SignInWithOobAsync(username, OobChannel.Push, ct);
        if (step is Waiting push)
        {
            Console.WriteLine(push.BindingCode is { } number
                ? $"On your phone, tap {number}."
                : "Approve the sign-in on your phone.");
            step = await push.WaitAsync(ct);   // polls every `interval`, +5 s on slow_down, stops at expires_in
        }
        return step is SignInSuccess success ? success.Tokens : Fail(step);
    }
    // </snippet:push-primary>

    // <snippet:phone-primary>
    public static async Task<TokenSet?> SignInWithPhoneAsync(DirectAuthClient client, string username, OobChannel channel, CancellationToken ct)
    {
        // channel is OobChannel.Sms or OobChannel.Voice: the server texts or calls the user's phone.
        var step = await client.SignInWithOobAsync(username, channel, ct);
        while (step is CodeNeeded code)
        {
            step = await code.SubmitCodeAsync(Prompt.Ask("Code you received"), ct);
            if (step is SignInFailed { Kind: DirectAuthErrorKind.InvalidCode } wrong)
            {
                Console.WriteLine(wrong.Error.Description);
                step = code;   // the same step takes another try
            }
        }
        return step is SignInSuccess success ? success.Tokens : Fail(step);
    }
    // </snippet:phone-primary>

    private static TokenSet? Fail(SignInStep step)
    {
        if (step is SignInFailed failed) Console.WriteLine($"Sign-in failed: {failed.Error.Description} ({failed.Kind})");
        return null;
    }
}
