using DirectAuth.Client;

namespace ConsoleSignIn;

/// <summary>Password sign-in with whatever second factor the policy asks for: the loop every app writes once.</summary>
public static class CompleteSignIn
{
    // <snippet:complete>
    public static async Task<TokenSet?> SignInAsync(DirectAuthClient client, string username, string password, CancellationToken ct)
    {
        var step = await client.SignInWithPasswordAsync(username, password, ct);
        return await FollowAsync(step, ct);
    }

    // Follows any sign-in to its end: a second factor, a push, codes. Null when it fails.
    public static async Task<TokenSet?> FollowAsync(SignInStep step, CancellationToken ct)
    {
        while (true)
        {
            switch (step)
            {
                case SignInSuccess success:
                    return success.Tokens;

                case MfaRequired mfa:
                    // Let the user choose among the second factors this app and the server support.
                    for (var i = 0; i < mfa.Factors.Count; i++) Console.WriteLine($"  {i + 1}. {mfa.Factors[i]}");
                    var choice = int.TryParse(Prompt.Ask("Verify with"), out var n) && n >= 1 && n <= mfa.Factors.Count ? n - 1 : 0;
                    step = await mfa.ChooseAsync(mfa.Factors[choice], ct);
                    break;

                case Waiting push:
                    // Number challenge: the authenticator app shows three numbers; the user taps this one.
                    Console.WriteLine(push.BindingCode is { } number
                        ? $"On your phone, tap {number}."
                        : "Approve the sign-in on your phone.");
                    step = await push.WaitAsync(ct);
                    break;

                case CodeNeeded code:
                    var typed = Prompt.Ask(code.Factor switch
                    {
                        Factor.Sms => "Code from the text message",
                        Factor.Voice => "Code from the phone call",
                        Factor.RecoveryCode => "Recovery code",
                        _ => "Code from your authenticator app",
                    });
                    step = await code.SubmitCodeAsync(typed, ct);
                    break;

                case SignInFailed failed:
                    Console.WriteLine($"Sign-in failed: {failed.Error.Description} ({failed.Kind})");
                    return null;
            }
        }
    }
    // </snippet:complete>
}
