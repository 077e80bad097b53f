namespace DirectAuth.Server.AuthorizationServers;

/// <summary>Where an OAuth request arrived: which authorization server, its issuer, and who called.</summary>
public sealed record OAuthContext(AuthorizationServer Server, string Origin, string? IpAddress, string? UserAgent)
{
    public string Issuer => Server.IssuerFor(Origin);

    /// <summary>The server's endpoint URL for <paramref name="name"/> (e.g. <c>token</c>).</summary>
    public string EndpointUrl(string name) => $"{Origin}{Server.BasePath}/v1/{name}";

    /// <summary>The <c>aud</c> of access tokens: the configured audience, or the issuer for the org server.</summary>
    public string Audience => string.IsNullOrEmpty(Server.Audience) ? Issuer : Server.Audience;
}
