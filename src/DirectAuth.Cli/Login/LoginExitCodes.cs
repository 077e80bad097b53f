using DirectAuth.Client;

namespace DirectAuth.Cli.Login;

/// <summary>What <c>directauth login</c> exits with, so scripts can tell outcomes apart (documented in docs/client-sdk.md).</summary>
public static class LoginExitCodes
{
    /// <summary>Signed in.</summary>
    public const int Success = 0;
    /// <summary>Anything else went wrong: bad flags, server unreachable or failing, app misconfigured, invalid id_token.</summary>
    public const int Error = 1;
    /// <summary>The user was refused: wrong password or code, push denied, wrong number picked.</summary>
    public const int Denied = 2;
    /// <summary>The sign-in expired: push or code not answered in time, or the transaction used up.</summary>
    public const int Expired = 3;
    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code for a failed sign-in.</summary>
    public static int For(DirectAuthErrorKind kind) => kind switch
    {
        DirectAuthErrorKind.InvalidCredentials or DirectAuthErrorKind.InvalidCode or DirectAuthErrorKind.Denied => Denied,
        DirectAuthErrorKind.Expired => Expired,
        _ => Error,
    };

    /// <summary>The word the JSON output uses for an exit code.</summary>
    public static string Status(int code) => code switch
    {
        Success => "signed_in",
        Denied => "denied",
        Expired => "expired",
        Cancelled => "cancelled",
        _ => "error",
    };
}
