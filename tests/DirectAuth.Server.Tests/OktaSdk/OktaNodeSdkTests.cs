using DirectAuth.Authenticator;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.OutOfBand.Processes;

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

    [Fact]
    public async Task OktaNodeSdk_VerifyPush_PolledThroughTheSdk_SuccessOnceTheDeviceApproves()
    {
        using var admin = new HttpClient { BaseAddress = new Uri(sdk.Server.Url) };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", ServerProcess.AdminToken);
        var created = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login = $"sdk-push-{Guid.NewGuid():N}@example.com", email = "sdk-push@example.com", firstName = "Sdk", lastName = "Push" },
            credentials = new { password = new { value = "Correct-Horse-Battery-7" } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var enrolled = await (await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "push", provider = "OKTA" })).Content.ReadFromJsonAsync<JsonElement>();
        var (origin, code) = PushDeviceClient.ParseActivation(enrolled.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!, null);
        using var deviceHttp = new HttpClient();
        var device = new PushDeviceClient(deviceHttp, TimeProvider.System);
        var account = await device.ActivateAsync(origin, code, "sdk test phone", CancellationToken.None);
        await using var phone = new DeviceListener(device, account);
        await phone.NextAsync<StreamConnected>();

        var run = sdk.RunCaseAsync("verifyPush", new Dictionary<string, string> { ["PUSH_USER_ID"] = userId, ["PUSH_FACTOR_ID"] = account.FactorId });
        var push = await phone.NextPushAsync(30);
        await device.AnswerAsync(account, push.TransactionId, PushDecisions.Approve, push.Numbers?[0], CancellationToken.None);
        var (exitCode, output) = await run;

        Assert.True(exitCode == 0, $"node cases.js verifyPush exited {exitCode}:\n{output}\n--- server output:\n{sdk.Server.Output}");
        Assert.Contains("ok verifyPush", output, StringComparison.Ordinal);
    }
}
