// A console app that signs a user in with DirectAuth.Client: the examples of docs/client-sdk.md, runnable.
//
//   dotnet run --project samples/ConsoleSignIn -- http://127.0.0.1:5080/oauth2/default demo-app [password|otp|push|sms|voice]
//
// Start a server first with `scripts/run --demo`; it prints the demo user's password.
using DirectAuth.Client;
using ConsoleSignIn;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ConsoleSignIn <issuer> <client-id> [password|otp|push|sms|voice]");
    return 1;
}

// <snippet:cancellation>
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
// </snippet:cancellation>

using var client = new DirectAuthClient(new DirectAuthClientOptions
{
    Issuer = new Uri(args[0]),
    ClientId = args[1],
});

var flow = args.Length > 2 ? args[2] : "password";
var username = Prompt.Ask("Username");
try
{
    var tokens = flow switch
    {
        "otp" => await PrimaryFactorExamples.SignInWithOtpAsync(client, username, cancel.Token),
        "push" => await PrimaryFactorExamples.SignInWithPushAsync(client, username, cancel.Token),
        "sms" => await PrimaryFactorExamples.SignInWithPhoneAsync(client, username, OobChannel.Sms, cancel.Token),
        "voice" => await PrimaryFactorExamples.SignInWithPhoneAsync(client, username, OobChannel.Voice, cancel.Token),
        _ => await CompleteSignIn.SignInAsync(client, username, Prompt.Ask("Password", secret: true), cancel.Token),
    };
    if (tokens is null) return 2;
    Console.WriteLine($"Signed in as {tokens.User?.FindFirst("name")?.Value} ({tokens.Subject}); access token expires {tokens.ExpiresAt:u}.");
    await client.SignOutAsync(tokens, cancel.Token);
    Console.WriteLine("Signed out.");
    return 0;
}
catch (OperationCanceledException)
{
    Console.WriteLine("Cancelled.");
    return 130;
}
