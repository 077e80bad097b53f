using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Security;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// Binding codes: random digits from a CSPRNG, sealed at rest (a short code's hash could be reversed by
/// trying every value, so it is encrypted under the master key instead), compared in constant time.
/// </summary>
public static class OobBindingCodes
{
    /// <summary>A code of <paramref name="digits"/> decimal digits; two-digit codes are 10–99 as Okta Verify shows them.</summary>
    public static string NewCode(int digits)
    {
        var low = digits == 2 ? 10 : 0;
        var high = (int)Math.Pow(10, digits);
        return RandomNumberGenerator.GetInt32(low, high).ToString($"D{digits}");
    }

    /// <summary>Three different two-digit numbers in random order, one of them <paramref name="code"/>.</summary>
    public static IReadOnlyList<string> Choices(string code)
    {
        var choices = new List<string> { code };
        while (choices.Count < 3)
        {
            var other = NewCode(code.Length);
            if (!choices.Contains(other)) choices.Add(other);
        }
        return choices.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToList();
    }

    public static bool Matches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    public sealed record Sealed(string Code, IReadOnlyList<string>? Choices);

    public static byte[]? Seal(SecretProtector protector, OobBinding binding) =>
        binding.Code is null ? null : protector.Protect(JsonSerializer.SerializeToUtf8Bytes(new Sealed(binding.Code, binding.Choices)));

    public static Sealed? Unseal(SecretProtector protector, byte[]? sealedBinding) =>
        sealedBinding is null ? null : JsonSerializer.Deserialize<Sealed>(protector.Unprotect(sealedBinding));
}
