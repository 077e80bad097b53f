using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// What the authenticator app keeps: its push accounts (server, factor, the device's private key) and TOTP
/// accounts (secrets). One JSON file, readable and writable by the user only (0600, directory 0700).
/// </summary>
public sealed class AuthenticatorState
{
    [JsonPropertyName("push")] public List<PushAccount> Push { get; set; } = [];
    [JsonPropertyName("totp")] public List<TotpAccount> Totp { get; set; } = [];

    /// <summary><c>DIRECTAUTH_AUTHENTICATOR_STATE</c>, else <c>$XDG_CONFIG_HOME/directauth/authenticator.json</c> (default <c>~/.config</c>).</summary>
    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("DIRECTAUTH_AUTHENTICATOR_STATE") is { Length: > 0 } path) return path;
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "directauth", "authenticator.json");
    }

    public static AuthenticatorState Load(string path)
    {
        if (!File.Exists(path)) return new AuthenticatorState();
        return JsonSerializer.Deserialize(File.ReadAllText(path), StateJson.Default.AuthenticatorState) ?? new AuthenticatorState();
    }

    /// <summary>Writes a new file with mode 0600 and moves it over the old one, so the secrets are never readable by others, even briefly.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, this, StateJson.Default.AuthenticatorState);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A push authenticator enrolled on a server.</summary>
public sealed class PushAccount
{
    [JsonPropertyName("server")] public required string Server { get; set; }
    [JsonPropertyName("factorId")] public required string FactorId { get; set; }
    [JsonPropertyName("userId")] public required string UserId { get; set; }
    [JsonPropertyName("login")] public required string Login { get; set; }
    [JsonPropertyName("deviceName")] public string? DeviceName { get; set; }
    /// <summary>The device's P-256 private key, PKCS#8 base64.</summary>
    [JsonPropertyName("privateKey")] public required string PrivateKey { get; set; }
    [JsonPropertyName("activated")] public DateTimeOffset Activated { get; set; }
}

/// <summary>A TOTP account (RFC 6238) added from an otpauth:// URI.</summary>
public sealed class TotpAccount
{
    [JsonPropertyName("issuer")] public string? Issuer { get; set; }
    [JsonPropertyName("account")] public required string Account { get; set; }
    /// <summary>The shared secret, base32 as in the URI.</summary>
    [JsonPropertyName("secret")] public required string Secret { get; set; }
    [JsonPropertyName("digits")] public int Digits { get; set; } = 6;
    [JsonPropertyName("period")] public int Period { get; set; } = 30;
    [JsonPropertyName("algorithm")] public string Algorithm { get; set; } = "SHA1";

    [JsonIgnore] public string Label => Issuer is { Length: > 0 } issuer ? $"{issuer}: {Account}" : Account;
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AuthenticatorState))]
internal sealed partial class StateJson : JsonSerializerContext;
