using System.Security.Cryptography;
using DirectAuth.Server.Hosting;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>APNs and FCM settings that cannot work stop the server at start, naming the setting.</summary>
public sealed class PushProviderSettingsTests
{
    private static readonly string ApnsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem();

    public static TheoryData<Dictionary<string, string?>, string[]> Cases => new()
    {
        { new() { ["Push:Apns:KeyId"] = "ABC123DEFG" }, [
            "Push:Apns:TeamId must be the 10-character Apple team id.",
            "Push:Apns:Topic must be the app's bundle id (e.g. com.example.authenticator).",
            "Push:Apns: set exactly one of PrivateKeyPath (the .p8 file) and PrivateKey (its content)."] },
        { new() { ["Push:Apns:KeyId"] = "ABC123DEFG", ["Push:Apns:TeamId"] = "TEAM123456", ["Push:Apns:Topic"] = "com.example.app", ["Push:Apns:PrivateKey"] = "not a key" },
            ["Push:Apns: the .p8 key is not a PEM EC private key (-----BEGIN PRIVATE KEY-----)."] },
        { new() { ["Push:Apns:KeyId"] = "ABC123DEFG", ["Push:Apns:TeamId"] = "TEAM123456", ["Push:Apns:Topic"] = "com.example.app", ["Push:Apns:PrivateKeyPath"] = "/nonexistent/AuthKey.p8" },
            ["Push:Apns:PrivateKeyPath cannot be read: Could not find a part of the path '/nonexistent/AuthKey.p8'."] },
        { new() { ["Push:Apns:KeyId"] = "ABC123DEFG", ["Push:Apns:TeamId"] = "TEAM123456", ["Push:Apns:Topic"] = "com.example.app", ["Push:Apns:PrivateKey"] = ApnsKey,
                ["Push:Apns:BaseUrl"] = "http://api.push.apple.com", ["Push:Apns:TokenRefreshMinutes"] = "61" },
            ["Push:Apns:BaseUrl must be an absolute https URL without a query (got 'http://api.push.apple.com').",
             "Push:Apns:TokenRefreshMinutes must be between 20 and 59 (Apple: a token lives 60 minutes, renew it at most every 20)."] },
        { new() { ["Push:Fcm:ServiceAccountJson"] = "{\"type\":\"authorized_user\"}" },
            ["Push:Fcm: the key file's type must be service_account (Firebase console: Project settings, Service accounts, Generate new private key)."] },
        { new() { ["Push:Fcm:ServiceAccountJson"] = "{\"type\":\"service_account\",\"client_email\":\"a@b\",\"private_key\":\"nope\"}" },
            ["Push:Fcm: the key file's private_key is not a PEM RSA private key."] },
        { new() { ["Push:Fcm:ServiceAccountJson"] = "not json" }, ["Push:Fcm: the service account key is not JSON."] },
        { new() { ["Push:MaxAttempts"] = "0" }, ["Push:MaxAttempts must be between 1 and 10000."] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Start_UnusablePushSetting_RefusedWithTheReasons(Dictionary<string, string?> settings, string[] problems)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new TestServerFactory(database, settings);

        var error = Assert.Throws<StartupFailedException>(() => factory.CreateClient());

        Assert.Equal(problems.Order(), error.Problems.Order());
        Assert.Equal(StartupFailedException.ConfigurationExitCode, error.ExitCode);
    }
}
