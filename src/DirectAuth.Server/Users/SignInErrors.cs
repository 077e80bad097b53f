using DirectAuth.Server.Http;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Users;

/// <summary>The answers a user sign-in can get, worded once.</summary>
public static class SignInErrors
{
    public static readonly OAuthError InvalidCredentials = OAuthError.InvalidGrant("The credentials provided were invalid.");

    public static readonly OAuthError LockedOut = OAuthError.InvalidGrant(
        "The account is locked after too many failed sign-in attempts. Try again later or ask an administrator to unlock it.");

    public static OAuthError NotActive(string status) => OAuthError.InvalidGrant(status switch
    {
        UserStatus.Suspended => "The user account is suspended. Ask an administrator to unsuspend it.",
        UserStatus.Deprovisioned => "The user account is deactivated.",
        UserStatus.PasswordExpired => "The password has expired. Ask an administrator to set a new password.",
        _ => "The user account is not activated.",
    });
}
