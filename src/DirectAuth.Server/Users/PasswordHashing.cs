using System.Buffers.Binary;
using DirectAuth.Server.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Users;

/// <summary>
/// ASP.NET Core Identity's PBKDF2 hasher (format v3: HMAC-SHA512) at the configured iteration count.
/// A hash made with any other count is reported as needing a rehash, so raising or lowering the setting
/// takes effect at each user's next sign-in.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher;
    private readonly int _iterations;
    private readonly string _dummyHash;

    public PasswordHashing(IOptions<DirectAuthOptions> options)
    {
        _iterations = options.Value.Passwords.Iterations;
        _hasher = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = _iterations,
        }));
        _dummyHash = _hasher.HashPassword(null!, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public enum Outcome { Failed, Success, SuccessRehashNeeded }

    public Outcome Verify(string? hash, string password)
    {
        if (hash is null)
        {
            // Same work as a real check, so an unknown user takes as long as a wrong password.
            _hasher.VerifyHashedPassword(null!, _dummyHash, password);
            return Outcome.Failed;
        }
        var result = _hasher.VerifyHashedPassword(null!, hash, password);
        if (result == PasswordVerificationResult.Failed) return Outcome.Failed;
        return result == PasswordVerificationResult.SuccessRehashNeeded || IterationsOf(hash) != _iterations
            ? Outcome.SuccessRehashNeeded
            : Outcome.Success;
    }

    /// <summary>The iteration count stored in a v3 hash (bytes 5..8, big-endian), or -1.</summary>
    public static int IterationsOf(string hash)
    {
        Span<byte> bytes = stackalloc byte[hash.Length];
        if (!Convert.TryFromBase64String(hash, bytes, out var n) || n < 13 || bytes[0] != 0x01) return -1;
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[5..9]);
    }
}
