using System.Security.Cryptography;
using System.Text.Json;

namespace DirectAuth.Server.PushProviders;

/// <summary>The parts of a Google service account key file FCM needs (the private key stays in memory only).</summary>
public sealed record FcmServiceAccount(string ClientEmail, string PrivateKeyPem, string? PrivateKeyId, string ProjectId, string TokenUri)
{
    public const string GoogleTokenUri = "https://oauth2.googleapis.com/token";

    public static (FcmServiceAccount? Account, string? Problem) Load(FcmSettings settings)
    {
        string json;
        try { json = settings.ServiceAccountJson is { Length: > 0 } inline ? inline : File.ReadAllText(settings.ServiceAccountPath!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, $"Push:Fcm:ServiceAccountPath cannot be read: {e.Message}"); }
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? Get(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Get("type") != "service_account") return (null, "Push:Fcm: the key file's type must be service_account (Firebase console: Project settings, Service accounts, Generate new private key).");
            if (Get("client_email") is not { Length: > 0 } email) return (null, "Push:Fcm: the key file has no client_email.");
            if (Get("private_key") is not { Length: > 0 } pem) return (null, "Push:Fcm: the key file has no private_key.");
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException) { return (null, "Push:Fcm: the key file's private_key is not a PEM RSA private key."); }
            if ((settings.ProjectId is { Length: > 0 } p ? p : Get("project_id")) is not { Length: > 0 } project) return (null, "Push:Fcm: set ProjectId (the key file has no project_id).");
            var tokenUri = settings.TokenUri is { Length: > 0 } t ? t : Get("token_uri") ?? GoogleTokenUri;
            return (new FcmServiceAccount(email, pem, Get("private_key_id"), project, tokenUri), null);
        }
        catch (JsonException) { return (null, "Push:Fcm: the service account key is not JSON."); }
    }
}
