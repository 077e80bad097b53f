using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Browser.ChromiumPasskeySteps;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>A server that asks for attestation (<c>Passkeys:Attestation</c> <c>direct</c>), with the harness page as its RP.</summary>
public sealed class ChromiumDirectAttestationServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost",
        ["Passkeys:Origins:0"] = HarnessSite.Current.Origin,
        ["Passkeys:Attestation"] = "direct",
    };
}

/// <summary>
/// Chromium's virtual authenticator answers an attestation request with a <c>packed</c> statement signed by its
/// batch certificate (x5c): the server verifies that format from a third-party authenticator, then signs in with it.
/// </summary>
public sealed class ChromiumAttestationTests(ChromiumDirectAttestationServer server) : IClassFixture<ChromiumDirectAttestationServer>
{
    [Fact]
    public Task FactorsApi_ChromiumPackedAttestationWithCertificate_ActiveAndSignsIn() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);

        var passkey = await server.EnrollChromiumPasskeyAsync(harness);

        Assert.Equal("packed", passkey.Attestation.Format);
        Assert.Equal(3, passkey.Attestation.StatementEntries); // alg, sig, x5c: full attestation, not self
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge));
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);
        var (id, _) = await server.ValidTokensAsync(status, body, client.ClientId, passkey.UserId);
        Assert.Equal(["hwk", "user", "pin", "mfa"], Amr(id));
    });
}
