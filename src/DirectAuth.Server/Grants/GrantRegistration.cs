namespace DirectAuth.Server.Grants;

/// <summary>
/// The grants of the out-of-band and passkey features: each feature registers its own services, the grants that
/// use them live here. Called right after the feature's own registration, so discovery lists the grant types in
/// the same order as before.
/// </summary>
public static class GrantRegistration
{
    /// <summary>The out-of-band grants (<c>urn:okta:params:oauth:grant-type:oob</c>, <c>http://auth0.com/oauth/grant-type/mfa-oob</c>); after <c>AddOutOfBand</c>.</summary>
    public static IServiceCollection AddOutOfBandGrants(this IServiceCollection services)
    {
        services.AddScoped<ITokenGrant, OobGrant>();
        services.AddScoped<ITokenGrant, MfaOobGrant>();
        return services;
    }

    /// <summary>The passkey grants (<c>urn:okta:params:oauth:grant-type:webauthn</c>, <c>...:mfa-webauthn</c>); after <c>AddPasskeys</c>.</summary>
    public static IServiceCollection AddPasskeyGrants(this IServiceCollection services)
    {
        services.AddScoped<MfaWebauthnGrant>();
        services.AddScoped<ITokenGrant, WebauthnGrant>();
        services.AddScoped<ITokenGrant, MfaWebauthnGrant>();
        return services;
    }
}
