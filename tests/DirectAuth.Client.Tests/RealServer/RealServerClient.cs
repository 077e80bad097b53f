using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>SDK clients wired to the in-process server of a <see cref="ServerFixture"/> (its handler stands in for the network).</summary>
public static class RealServerClient
{
    public static DirectAuthClient Create(ServerFixture server, string clientId, string issuer = "http://localhost/oauth2/default",
        ClientAuthentication? authentication = null, string scope = "openid profile offline_access", TimeProvider? clock = null) =>
        new(new DirectAuthClientOptions
        {
            Issuer = new Uri(issuer),
            ClientId = clientId,
            ClientAuthentication = authentication ?? ClientAuthentication.None,
            Scope = scope,
            TimeProvider = clock ?? TimeProvider.System,
        }, server.Factory.Server.CreateHandler());
}
