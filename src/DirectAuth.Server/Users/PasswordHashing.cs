using System.Buffers.Binary;
using DirectAuth.Server.Settings;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Users;

/// <summary>
/// Password hashes: Argon2id (<see cref="Argon2idHash"/>, the default) or ASP.NET Core Identity's PBKDF2 hasher
/// (format v3: HMAC-SHA512) at the configured iteration count, chosen by <c>Passwords:Algorithm</c>. Both kinds
/// verify whatever the setting; a hash of the other kind, or with other parameters, is reported as needing a
/// rehash, so a changed setting takes effect at each user's next sign-in.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher;
    private readonly Argon2idHash _argon2;
    private readonly bool _useArgon2;
    private readonly int _iterations;
    private readonly string _dummyHash;

    public PasswordHashing(IOptions<DirectAuthOptions> options)
    {
        var settings = options.Value.Passwords;
        _iterations = settings.Iterations;
        _useArgon2 = settings.Algorithm != "pbkdf2";
        _argon2 = new Argon2idHash(settings.Argon2MemoryKiB, settings.Argon2Passes);
        _hasher = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = _iterations,
        }));
        _dummyHash = Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    public string Hash(string password) => _useArgon2 ? _argon2.Hash(password) : _hasher.HashPassword(null!, password);

    public enum Outcome { Failed, Success, SuccessRehashNeeded }

    public Outcome Verify(string? hash, string password)
    {
        if (hash is null)
        {
            // Same work as a real check, so an unknown user takes as long as a wrong password.
            VerifyAny(_dummyHash, password, out _);
            return Outcome.Failed;
        }
        if (!VerifyAny(hash, password, out var current)) return Outcome.Failed;
        return current ? Outcome.Success : Outcome.SuccessRehashNeeded;
    }

    private bool VerifyAny(string hash, string password, out bool current)
    {
        if (hash.StartsWith(Argon2idHash.Prefix, StringComparison.Ordinal))
        {
            var ok = _argon2.Verify(hash, password, out var sameParameters);
            current = _useArgon2 && sameParameters;
            return ok;
        }
        var result = _hasher.VerifyHashedPassword(null!, hash, password);
        current = !_useArgon2 && result == PasswordVerificationResult.Success && IterationsOf(hash) == _iterations;
        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>The iteration count stored in a v3 hash (bytes 5..8, big-endian), or -1.</summary>
    public static int IterationsOf(string hash)
    {
        Span<byte> bytes = stackalloc byte[hash.Length];
        if (!Convert.TryFromBase64String(hash, bytes, out var n) || n < 13 || bytes[0] != 0x01) return -1;
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[5..9]);
    }
}
