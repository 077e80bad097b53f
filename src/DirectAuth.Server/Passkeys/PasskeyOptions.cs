namespace DirectAuth.Server.Passkeys;

/// <summary>Settings of passkey (WebAuthn) sign-in and enrollment (section <c>Passkeys</c>; env <c>DIRECTAUTH_PASSKEYS__KEY</c>).</summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    /// <summary>DirectAuth's own software authenticator (the CLI's <c>directauth authenticator</c>).</summary>
    public const string DirectAuthSoftwareAaguid = "08fc0c68-688e-455e-b7f0-4006f0e2b28c";

    /// <summary>The relying party id (a domain); default: the host of the server's public origin.</summary>
    public string? RpId { get; set; }
    public string RpName { get; set; } = "DirectAuth";
    /// <summary>Allowed <c>clientDataJSON.origin</c> values: web origins and native app origins
    /// (<c>android:apk-key-hash:…</c>, <c>ios:bundle-id:…</c>); default: the server's public origin.</summary>
    public List<string> Origins { get; set; } = [];
    /// <summary><c>required</c> (default), <c>preferred</c> or <c>discouraged</c>.</summary>
    public string UserVerification { get; set; } = "required";
    /// <summary>The attestation conveyance preference sent at enrollment: <c>none</c> (default), <c>indirect</c>, <c>direct</c>.</summary>
    public string Attestation { get; set; } = "none";
    /// <summary>How long a challenge lives (enrollment and sign-in).</summary>
    public int TimeoutSeconds { get; set; } = 300;
    /// <summary>AAGUIDs of software authenticators: their passkeys (and any backup-eligible one) get <c>amr</c> <c>swk</c>, others <c>hwk</c>.</summary>
    public List<string> SoftwareAaguids { get; set; } = [];
    /// <summary>The <c>/.well-known/apple-app-site-association</c> document: a path to a JSON file, or the JSON itself. Unset: not served.</summary>
    public string? AppleAppSiteAssociation { get; set; }
    /// <summary>The <c>/.well-known/assetlinks.json</c> document: a path to a JSON file, or the JSON itself. Unset: not served.</summary>
    public string? AssetLinks { get; set; }

    /// <summary>The configured software AAGUIDs, or DirectAuth's own when none is configured.</summary>
    public IReadOnlyList<string> SoftwareAaguidList => SoftwareAaguids.Count > 0 ? SoftwareAaguids : [DirectAuthSoftwareAaguid];

    public IEnumerable<string> Problems()
    {
        if (UserVerification is not ("required" or "preferred" or "discouraged"))
            yield return "Passkeys:UserVerification must be required, preferred or discouraged.";
        if (Attestation is not ("none" or "indirect" or "direct"))
            yield return "Passkeys:Attestation must be none, indirect or direct.";
        if (TimeoutSeconds is < 30 or > 600) yield return "Passkeys:TimeoutSeconds must be between 30 and 600.";
        if (RpId is { Length: > 0 } rp && Uri.CheckHostName(rp) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            yield return "Passkeys:RpId must be a domain (e.g. example.com), without scheme or port.";
        foreach (var origin in Origins)
            if (!IsOrigin(origin)) yield return $"Passkeys:Origins: '{origin}' is neither a web origin (https://host[:port]) nor a native app origin (android:apk-key-hash:…, ios:bundle-id:…).";
        foreach (var aaguid in SoftwareAaguids)
            if (!Guid.TryParse(aaguid, out _)) yield return $"Passkeys:SoftwareAaguids: '{aaguid}' is not a UUID.";
    }

    private static bool IsOrigin(string origin) =>
        origin.StartsWith("android:apk-key-hash:", StringComparison.Ordinal) && origin.Length > 21
        || origin.StartsWith("ios:bundle-id:", StringComparison.Ordinal) && origin.Length > 14
        || Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.AbsolutePath == "/" && !origin.EndsWith('/');
}
