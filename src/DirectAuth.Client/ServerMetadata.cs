namespace DirectAuth.Client;

/// <summary>
/// What the SDK learned from the authorization server's discovery document, plus the two direct-authentication
/// endpoints no discovery document lists: they are derived from <see cref="TokenEndpoint"/> as Okta's SDKs do.
/// </summary>
public sealed class ServerMetadata
{
    internal ServerMetadata(string issuer, Uri tokenEndpoint, Uri jwksUri, Uri? revocationEndpoint, Uri? userinfoEndpoint,
        IReadOnlyList<string> grantTypesSupported)
    {
        Issuer = issuer;
        TokenEndpoint = tokenEndpoint;
        JwksUri = jwksUri;
        RevocationEndpoint = revocationEndpoint;
        UserinfoEndpoint = userinfoEndpoint;
        GrantTypesSupported = grantTypesSupported;
        ChallengeEndpoint = Sibling(tokenEndpoint, "challenge");
        PrimaryAuthenticateEndpoint = Sibling(tokenEndpoint, "primary-authenticate");
    }

    /// <summary>The issuer, exactly as the server spells it (and as id_tokens must carry it in <c>iss</c>).</summary>
    public string Issuer { get; }

    /// <summary><c>token_endpoint</c>: every grant.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary><c>jwks_uri</c>: the keys id_tokens are signed with.</summary>
    public Uri JwksUri { get; }

    /// <summary><c>revocation_endpoint</c>, when the server has one.</summary>
    public Uri? RevocationEndpoint { get; }

    /// <summary><c>userinfo_endpoint</c>, when the server has one.</summary>
    public Uri? UserinfoEndpoint { get; }

    /// <summary><c>/challenge</c>, derived from the token endpoint: the second factor after <c>mfa_required</c>.</summary>
    public Uri ChallengeEndpoint { get; }

    /// <summary><c>/primary-authenticate</c>, derived from the token endpoint: starts a primary out-of-band factor.</summary>
    public Uri PrimaryAuthenticateEndpoint { get; }

    /// <summary><c>grant_types_supported</c>; empty when the document does not list them.</summary>
    public IReadOnlyList<string> GrantTypesSupported { get; }

    /// <summary>True when the server lists <paramref name="grantType"/>, or lists no grant types at all.</summary>
    public bool Supports(string grantType) => GrantTypesSupported.Count == 0 || GrantTypesSupported.Contains(grantType);

    // ".../v1/token" -> ".../v1/challenge", keeping any query string out (as Okta's SDKs build it).
    private static Uri Sibling(Uri tokenEndpoint, string name)
    {
        var path = tokenEndpoint.AbsolutePath;
        var slash = path.LastIndexOf('/');
        var builder = new UriBuilder(tokenEndpoint) { Path = path[..(slash + 1)] + name, Query = "" };
        return builder.Uri;
    }
}
