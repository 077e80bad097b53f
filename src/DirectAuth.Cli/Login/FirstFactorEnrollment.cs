using DirectAuth.Client;
using DirectAuth.Client.MyAccount;
using DirectAuth.Protocol;

namespace DirectAuth.Cli.Login;

/// <summary>
/// <c>directauth login --enroll</c>: the app requires a second factor the user does not have yet
/// (<see cref="DirectAuthError.NoEnrolledFactor"/>). Signs in with the same password at the org issuer for
/// <c>okta.myAccount.authenticators.manage</c> alone, enrolls an authenticator app (TOTP) through the MyAccount API —
/// QR code and secret on screen, then its first code — and shows the recovery codes once. The sign-in then starts again
/// and asks for the new factor. Docs: docs/self-service.md, "A first factor".
/// </summary>
public sealed class FirstFactorEnrollment(LoginSettings settings, LoginUi ui)
{
    private const int CodeAttempts = 3;

    /// <summary>True when the authenticator app was added; false after the UI said why not.</summary>
    public async Task<bool> RunAsync(string username, string password, CancellationToken ct)
    {
        ui.ShowEnrollmentNeeded();
        var origin = new Uri(settings.Issuer.GetLeftPart(UriPartial.Authority));
        using var orgClient = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = origin,
            ClientId = settings.ClientId,
            ClientAuthentication = LoginCommand.AuthenticationFor(settings),
            Scope = MyAccountScopes.AuthenticatorsManage,
        });
        var signedIn = await ui.WhileBusyAsync("Signing in to set up a factor…", () => orgClient.SignInWithPasswordAsync(username, password, ct));
        if (signedIn is not SignInSuccess success)
        {
            ui.ShowEnrollmentRefused(signedIn is SignInFailed failed ? failed.Error.Description : $"the server answered {signedIn.GetType().Name}");
            return false;
        }

        using var myAccount = new MyAccountClient(origin, success.Tokens.AccessToken);
        try
        {
            var pending = await ui.WhileBusyAsync("Creating the authenticator app factor…", () => myAccount.EnrollTotpAsync(ct));
            var activation = pending.Activation ?? throw new MyAccountException(0, null, "the enrollment has no activation");
            ui.ShowTotpEnrollment(activation.GetProperty("otpauthUri").GetString()!, activation.GetProperty("sharedSecret").GetString()!);
            for (var attempt = 1; ; attempt++)
            {
                var code = ui.AskCode(Factor.Otp);
                try
                {
                    var active = await ui.WhileBusyAsync("Checking the code…", () => myAccount.ActivateAsync(pending.Id, code.Trim(), ct));
                    ui.ShowEnrolled(active.RecoveryCodes);
                    return true;
                }
                catch (MyAccountException wrong) when (wrong.Code == "E0000068" && attempt < CodeAttempts && ui.CanPrompt)
                {
                    ui.ShowEnrollmentRetry(wrong.Description);
                }
            }
        }
        catch (MyAccountException ex)
        {
            ui.ShowEnrollmentRefused(ex.Description);
            return false;
        }
    }
}
