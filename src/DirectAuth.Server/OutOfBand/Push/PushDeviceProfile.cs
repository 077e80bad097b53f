using System.Text.Json;
using DirectAuth.Protocol;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// What a push factor's Okta <c>profile</c> says about the device, for the admin (Factors API) and the user
/// (MyAccount): Okta's <c>platform</c> (IOS, ANDROID) and <c>deviceType</c>, and DirectAuth's
/// <c>pushProvider</c> (apns, fcm, sse). The push token itself is never shown.
/// </summary>
public static class PushDeviceProfile
{
    public const int MaxTokenLength = 4096;

    /// <summary>Null when the platform and token are acceptable, else the cause for the <c>errorCauses</c>.</summary>
    public static string? Problem(string? platform, string? token)
    {
        if (!PushPlatforms.IsKnown(platform ?? PushPlatforms.Sse)) return $"The platform must be {PushPlatforms.Apns}, {PushPlatforms.Fcm} or {PushPlatforms.Sse}.";
        if ((platform ?? PushPlatforms.Sse) == PushPlatforms.Sse) return token is null ? null : "A device on platform sse has no push token.";
        if (token is not { Length: >= 8 and <= MaxTokenLength } || token.Any(c => c is not (>= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or ':' or '.')))
            return $"A device on platform {platform} needs its push token (8 to {MaxTokenLength} characters: letters, digits, '-', '_', ':', '.').";
        return null;
    }

    /// <summary>The profile entries of a device on <paramref name="platform"/>, added to (or replacing those in) <paramref name="profile"/>.</summary>
    public static Dictionary<string, string> With(Dictionary<string, string> profile, string platform)
    {
        profile["pushProvider"] = platform;
        (profile["platform"], profile["deviceType"]) = platform switch
        {
            PushPlatforms.Apns => ("IOS", "SmartPhone_IPhone"),
            PushPlatforms.Fcm => ("ANDROID", "SmartPhone_Android"),
            _ => ("DirectAuth authenticator", "Desktop"),
        };
        return profile;
    }

    public static Dictionary<string, string> Read(string? profile)
    {
        if (profile is null) return [];
        try { return JsonSerializer.Deserialize<Dictionary<string, string>>(profile) ?? []; }
        catch (JsonException) { return []; }
    }
}
