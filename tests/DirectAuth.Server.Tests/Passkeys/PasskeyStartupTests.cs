using DirectAuth.Server.Tests.EndToEnd;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>The Passkeys section is checked when the real server process starts: a wrong value ends it with exit code 2 and the reason.</summary>
public sealed class PasskeyStartupTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("DIRECTAUTH_PASSKEYS__USERVERIFICATION", "sometimes", "Passkeys:UserVerification must be required, preferred or discouraged.")]
    [InlineData("DIRECTAUTH_PASSKEYS__ORIGINS__0", "https://example.com/login", "Passkeys:Origins: 'https://example.com/login' is neither a web origin")]
    [InlineData("DIRECTAUTH_PASSKEYS__RPID", "https://example.com", "Passkeys:RpId must be a domain")]
    [InlineData("DIRECTAUTH_PASSKEYS__TIMEOUTSECONDS", "5", "Passkeys:TimeoutSeconds must be between 30 and 600.")]
    [InlineData("DIRECTAUTH_PASSKEYS__ASSETLINKS", "[{\"relation\":", "Passkeys:AssetLinks must be JSON or the path of a readable JSON file")]
    [InlineData("DIRECTAUTH_PASSKEYS__APPLEAPPSITEASSOCIATION", "/nonexistent/aasa.json", "Passkeys:AppleAppSiteAssociation must be JSON or the path of a readable JSON file")]
    public async Task Server_BadPasskeySetting_RefusesToStartSayingWhich(string variable, string value, string message)
    {
        await using var server = ServerProcess.Start([], new Dictionary<string, string> { [variable] = value });

        var exitCode = await server.WaitForExitAsync(Startup);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_AppleAppSiteAssociationFromAFile_Served()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("directauth-aasa-").FullName, "aasa.json");
        await File.WriteAllTextAsync(file, """{"webcredentials":{"apps":["TEAMID.com.example.app"]}}""");
        await using var server = ServerProcess.Start([], new Dictionary<string, string> { ["DIRECTAUTH_PASSKEYS__APPLEAPPSITEASSOCIATION"] = file });
        await server.WaitForOutputAsync(o => o.Contains("Now listening", StringComparison.Ordinal), Startup);
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var response = await http.GetAsync("/.well-known/apple-app-site-association");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"webcredentials":{"apps":["TEAMID.com.example.app"]}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(404, (int)(await http.GetAsync("/.well-known/assetlinks.json")).StatusCode);
    }
}
