using System.Globalization;
using System.Text.Json;

namespace DirectAuth.Server.Authenticators;

/// <summary>A TOTP factor's public parameters, kept in its profile next to <c>credentialId</c>.</summary>
public sealed record TotpSettings(TotpAlgorithm Algorithm, int Digits, int StepSeconds)
{
    public static readonly TotpSettings Default = new(TotpAlgorithm.Sha1, 6, Totp.DefaultStepSeconds);

    public static TotpSettings Of(Factor factor)
    {
        if (factor.Profile is null) return Default;
        using var doc = JsonDocument.Parse(factor.Profile);
        var root = doc.RootElement;
        var algorithm = root.TryGetProperty("algorithm", out var a) && a.ValueKind == JsonValueKind.String ? Totp.Parse(a.GetString()) : null;
        var digits = root.TryGetProperty("digits", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) ? n : Default.Digits;
        var step = root.TryGetProperty("timeStep", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var s) ? s : Default.StepSeconds;
        return new TotpSettings(algorithm ?? Default.Algorithm, digits, step);
    }

    public string ProfileJson(string credentialId) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["credentialId"] = credentialId,
        ["algorithm"] = Totp.Name(Algorithm),
        ["digits"] = Digits,
        ["timeStep"] = StepSeconds,
    });

    /// <summary>The Key URI Format authenticator apps read from the QR code.</summary>
    public string OtpAuthUri(string sharedSecret, string login, string issuer)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(login);
        return string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{label}?secret={sharedSecret}&issuer={Uri.EscapeDataString(issuer)}&algorithm={Totp.Name(Algorithm)}&digits={Digits}&period={StepSeconds}");
    }

    /// <summary>Whether <paramref name="code"/> has the shape of a code: exactly <see cref="Digits"/> ASCII digits.</summary>
    public bool IsWellFormed(string? code) => code is not null && code.Length == Digits && code.All(char.IsAsciiDigit);
}
