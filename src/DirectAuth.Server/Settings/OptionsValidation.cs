namespace DirectAuth.Server.Settings;

/// <summary>Refuses to start with settings that would be unsafe or meaningless, saying which and why.</summary>
public static class OptionsValidation
{
    public static IEnumerable<string> Problems(DirectAuthOptions o)
    {
        if (o.Lockout.MaxFailures is < 1 or > 100)
            yield return "Lockout:MaxFailures must be between 1 and 100 (NIST SP 800-63B allows at most 100 consecutive failures).";
        if (o.Lockout.MaxConsecutiveFailures is < 1 or > 100)
            yield return "Lockout:MaxConsecutiveFailures must be between 1 and 100 (NIST SP 800-63B-4 §3.2.2 allows at most 100 consecutive failed attempts).";
        if (o.Lockout.LockSeconds < 1 || o.Lockout.MaxLockSeconds < o.Lockout.LockSeconds)
            yield return "Lockout:LockSeconds must be at least 1 and Lockout:MaxLockSeconds at least Lockout:LockSeconds.";
        if (o.Passwords.Iterations is < 10_000 or > 10_000_000)
            yield return "Passwords:Iterations must be between 10,000 and 10,000,000 (default 210,000).";
        if (o.Passwords.Algorithm is not ("argon2id" or "pbkdf2"))
            yield return "Passwords:Algorithm must be 'argon2id' (default) or 'pbkdf2'.";
        if (o.Passwords.Argon2MemoryKiB is < 8_192 or > 1_048_576)
            yield return "Passwords:Argon2MemoryKiB must be between 8,192 and 1,048,576 (default 19,456).";
        if (o.Passwords.Argon2Passes is < 1 or > 20)
            yield return "Passwords:Argon2Passes must be between 1 and 20 (default 2).";
        if (o.Tokens.AccessTokenLifetimeSeconds is < 60 or > 86_400) yield return "Tokens:AccessTokenLifetimeSeconds must be between 60 and 86400.";
        if (o.Tokens.IdTokenLifetimeSeconds is < 60 or > 86_400) yield return "Tokens:IdTokenLifetimeSeconds must be between 60 and 86400.";
        if (o.Tokens.RefreshTokenIdleSeconds < 60 || o.Tokens.RefreshTokenMaxSeconds < o.Tokens.RefreshTokenIdleSeconds)
            yield return "Tokens:RefreshTokenIdleSeconds must be at least 60 and Tokens:RefreshTokenMaxSeconds at least the idle time.";
        if (o.Tokens.RefreshReuseGraceSeconds is < 0 or > 60) yield return "Tokens:RefreshReuseGraceSeconds must be between 0 and 60.";
        if (o.Tokens.RetiredKeyPublishSeconds < Math.Max(o.Tokens.AccessTokenLifetimeSeconds, o.Tokens.IdTokenLifetimeSeconds))
            yield return "Tokens:RetiredKeyPublishSeconds must be at least the longest token lifetime, or tokens outlive their key.";
        if (o.Admin.Token is { Length: > 0 and < 16 }) yield return "Admin:Token must be at least 16 characters.";
        if (o.Limits.MaxRequestBodyBytes is < 1024 or > 10 * 1024 * 1024) yield return "Limits:MaxRequestBodyBytes must be between 1 KiB and 10 MiB.";
        if (o.PublicUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0))
            yield return "PublicUrl must be an absolute http(s) URL without a query, e.g. https://login.example.com.";
    }
}
