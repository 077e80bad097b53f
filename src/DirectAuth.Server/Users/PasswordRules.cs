namespace DirectAuth.Server.Users;

/// <summary>
/// NIST SP 800-63B section 5.1.1.2: at least 8 characters, up to 256 accepted, no composition rules,
/// and not a commonly used or expected password.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password123", "passw0rd", "12345678", "123456789", "1234567890", "qwertyuiop",
        "qwerty123", "11111111", "00000000", "iloveyou", "abc12345", "letmein1", "welcome1", "admin123",
        "sunshine", "princess", "football", "baseball", "trustno1", "superman", "1q2w3e4r", "zaq12wsx",
        "directauth", "changeme", "changeit", "okta1234",
    };

    /// <summary>Null when acceptable, otherwise why not.</summary>
    public static string? Check(string password, string? login)
    {
        var length = new System.Globalization.StringInfo(password).LengthInTextElements;
        if (length < MinLength) return $"Password requirements were not met: at least {MinLength} characters.";
        if (password.Length > MaxLength) return $"Password requirements were not met: at most {MaxLength} characters.";
        if (Common.Contains(password)) return "Password requirements were not met: this password is too common.";
        if (login is not null && string.Equals(password, login, StringComparison.OrdinalIgnoreCase))
            return "Password requirements were not met: the password must not be the username.";
        return null;
    }
}
