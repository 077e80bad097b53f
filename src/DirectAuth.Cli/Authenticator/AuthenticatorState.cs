using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// What the authenticator app keeps: its push accounts (server, factor, the device's private key), TOTP
/// accounts (secrets) and software passkeys (private key, credential id, counter). One JSON file, readable and writable by the user only (0600, directory 0700).
/// </summary>
public sealed class AuthenticatorState
{
    [JsonPropertyName("push")] public List<PushAccount> Push { get; set; } = [];
    [JsonPropertyName("totp")] public List<TotpAccount> Totp { get; set; } = [];
    [JsonPropertyName("passkeys")] public List<PasskeyAccount> Passkeys { get; set; } = [];

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

/// <summary>A software passkey (WebAuthn credential, ES256 on P-256) registered on a server.</summary>
public sealed class PasskeyAccount
{
    [JsonPropertyName("server")] public required string Server { get; set; }
    [JsonPropertyName("factorId")] public required string FactorId { get; set; }
    [JsonPropertyName("userId")] public required string UserId { get; set; }
    [JsonPropertyName("login")] public required string Login { get; set; }
    [JsonPropertyName("name")] public required string Name { get; set; }
    [JsonPropertyName("rpId")] public required string RpId { get; set; }
    /// <summary>The origin written into clientDataJSON (the server's origin unless <c>--origin</c> said otherwise).</summary>
    [JsonPropertyName("origin")] public required string Origin { get; set; }
    /// <summary>The credential id, base64url.</summary>
    [JsonPropertyName("credentialId")] public required string CredentialId { get; set; }
    /// <summary>The user handle the server gave (<c>user.id</c>), base64url; returned as <c>userHandle</c>.</summary>
    [JsonPropertyName("userHandle")] public required string UserHandle { get; set; }
    /// <summary>The credential's P-256 private key, PKCS#8 base64 (kept like the push device key).</summary>
    [JsonPropertyName("privateKey")] public required string PrivateKey { get; set; }
    /// <summary>The signature counter of the last assertion (0 after registration).</summary>
    [JsonPropertyName("counter")] public uint Counter { get; set; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AuthenticatorState))]
internal sealed partial class StateJson : JsonSerializerContext;
