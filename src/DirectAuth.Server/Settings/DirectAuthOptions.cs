namespace DirectAuth.Server.Settings;

/// <summary>All settings, bound from the configuration root (env: <c>DIRECTAUTH_SECTION__KEY</c>, see docs/configuration.md).</summary>
public sealed class DirectAuthOptions
{
    /// <summary>Public origin of the server (scheme, host, port), e.g. https://login.example.com. Empty: taken from each request.</summary>
    public string? PublicUrl { get; set; }

    public StorageOptions Storage { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();
    public PasswordOptions Passwords { get; set; } = new();
    public LockoutOptions Lockout { get; set; } = new();
    public TokenOptions Tokens { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();
}

public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";
    /// <summary>Empty: <c>Data Source={DataDirectory}/directauth.db</c> for SQLite; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Where the SQLite file and the generated master key live.</summary>
    public string DataDirectory { get; set; } = "data";
}

public sealed class SecurityOptions
{
    /// <summary>Base64 of 32 random bytes; encrypts TOTP seeds and signing keys. Empty: generated into {DataDirectory}/master.key.</summary>
    public string? MasterKey { get; set; }
    /// <summary>Earlier master keys, still accepted for decryption; data is re-encrypted with <see cref="MasterKey"/> on start.</summary>
    public List<string> PreviousMasterKeys { get; set; } = [];
}

public sealed class PasswordOptions
{
    /// <summary>
    /// How new password hashes are made: <c>argon2id</c> (default; OWASP's first choice, memory-hard) or
    /// <c>pbkdf2</c> (PBKDF2-HMAC-SHA512, for deployments that must use FIPS 140 approved algorithms). Hashes of
    /// the other kind keep working and are rewritten at the user's next successful sign-in.
    /// </summary>
    public string Algorithm { get; set; } = "argon2id";
    /// <summary>PBKDF2-HMAC-SHA512 iterations (OWASP 2023: 210,000). A changed value rehashes on the next sign-in.</summary>
    public int Iterations { get; set; } = 210_000;
    /// <summary>Argon2id memory in KiB (OWASP: 19 MiB = 19456).</summary>
    public int Argon2MemoryKiB { get; set; } = 19_456;
    /// <summary>Argon2id passes over that memory (OWASP: 2).</summary>
    public int Argon2Passes { get; set; } = 2;
}

public sealed class LockoutOptions
{
    /// <summary>Consecutive failures before the account locks (NIST SP 800-63B: at most 100).</summary>
    public int MaxFailures { get; set; } = 10;
    /// <summary>The first lock lasts this long; each further lock without a success in between doubles it.</summary>
    public int LockSeconds { get; set; } = 60;
    /// <summary>The longest a lock lasts.</summary>
    public int MaxLockSeconds { get; set; } = 86_400;
    /// <summary>
    /// Consecutive failed attempts of every factor after which the account stays locked until an admin unlocks it
    /// (NIST SP 800-63B-4 §3.2.2: at most 100). Only a completed sign-in or the unlock resets the count.
    /// </summary>
    public int MaxConsecutiveFailures { get; set; } = 100;
}

public sealed class TokenOptions
{
    public int AccessTokenLifetimeSeconds { get; set; } = 3600;
    public int IdTokenLifetimeSeconds { get; set; } = 3600;
    /// <summary>A refresh token unused this long expires (each rotation starts it again).</summary>
    public int RefreshTokenIdleSeconds { get; set; } = 7 * 86_400;
    /// <summary>A refresh token family ends this long after the sign-in, however often it is rotated.</summary>
    public int RefreshTokenMaxSeconds { get; set; } = 90 * 86_400;
    /// <summary>
    /// A rotated refresh token presented again within this many seconds of its rotation is refused without
    /// revoking the family (a client that sent the same refresh twice at once). 0: every reuse revokes the family.
    /// </summary>
    public int RefreshReuseGraceSeconds { get; set; }
    /// <summary>How long signing keys stay published after rotation: the longest token lifetime plus slack.</summary>
    public int RetiredKeyPublishSeconds { get; set; } = 2 * 3600;
}

public sealed class AdminOptions
{
    /// <summary>The first management API token (<c>Authorization: SSWS {token}</c>). Empty: the management API refuses every request.</summary>
    public string? Token { get; set; }
}

public sealed class LimitOptions
{
    /// <summary>Largest accepted request body in bytes for OAuth endpoints and the management API.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
