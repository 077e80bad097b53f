using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>SDK clients wired to the in-process server of a <see cref="ServerFixture"/> (its handler stands in for the network).</summary>
public static class RealServerClient
{
    public static DirectAuthClient Create(ServerFixture server, string clientId, string issuer = "http://localhost/oauth2/default",
        ClientAuthentication? authentication = null, string scope = "openid profile offline_access", TimeProvider? clock = null,
        IReadOnlyList<Factor>? secondFactors = null) =>
        new(new DirectAuthClientOptions
        {
            Issuer = new Uri(issuer),
            ClientId = clientId,
            ClientAuthentication = authentication ?? ClientAuthentication.None,
            Scope = scope,
            // The server's clock stands still unless a test moves it: the client must share it, or its
            // private_key_jwt assertions and id_token checks drift from the server's time as the run goes on.
            TimeProvider = clock ?? server.Clock,
            SecondFactors = secondFactors ?? [Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice, Factor.RecoveryCode],
        }, server.Factory.Server.CreateHandler());

    /// <summary>The tokens of a successful step; otherwise fails with the error the SDK reported.</summary>
    public static TokenSet Succeeded(SignInStep step) => step switch
    {
        SignInSuccess success => success.Tokens,
        SignInFailed failed => throw new Xunit.Sdk.XunitException($"Expected SignInSuccess, got {failed.Error}"),
        _ => throw new Xunit.Sdk.XunitException($"Expected SignInSuccess, got {step.GetType().Name}"),
    };
}
