namespace DirectAuth.Server.Tests.OktaSdk;

/// <summary>
/// Issue 17: each item driven through <c>@okta/okta-sdk-nodejs</c> 8.1.0, unchanged, against the real server
/// (the cases are in <c>tests/okta-sdk/cases.js</c>, one per item).
/// </summary>
public sealed class OktaNodeSdkTests(OktaSdkFixture sdk) : IClassFixture<OktaSdkFixture>
{
    [Theory]
    [InlineData("authorizationServers")]
    [InlineData("keyRotate")]
    [InlineData("singleScope")]
    [InlineData("updateFlow")]
    [InlineData("profileAttributes")]
    [InlineData("userSearch")]
    [InlineData("expirePassword")]
    [InlineData("verifyTotp")]
    [InlineData("verifySms")]
    [InlineData("groups")]
    public async Task OktaNodeSdk_Case_Passes(string name)
    {
        var (exitCode, output) = await sdk.RunCaseAsync(name);

        Assert.True(exitCode == 0, $"node cases.js {name} exited {exitCode}:\n{output}\n--- server output:\n{sdk.Server.Output}");
        Assert.Contains($"ok {name}", output, StringComparison.Ordinal);
    }
}
