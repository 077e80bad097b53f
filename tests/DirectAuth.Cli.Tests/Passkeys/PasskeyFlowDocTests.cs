using System.Diagnostics;
using System.Text.RegularExpressions;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests.Passkeys;

/// <summary>
/// docs/flows/passkey.md and docs/flows/mfa-passkey.md run as written: every shell block after the server start,
/// in order, in one bash from the repository root, against the real server (its URL and admin token in place of
/// the doc's <c>http://127.0.0.1:5080</c> and token, its /tmp files in a scratch directory). The outcomes the pages
/// print are then checked in the output.
/// </summary>
public sealed partial class PasskeyFlowDocTests(CliServer server) : IClassFixture<CliServer>, IDisposable
{
    private const string DocToken = "demo-admin-token-0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("directauth-passkey-doc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [Fact]
    public async Task PasskeyDoc_RunsAsWritten()
    {
        var (output, errors) = await RunDocAsync("passkey.md");

        Assert.Contains("Registered passkey 'Demo laptop' for pia-", output, StringComparison.Ordinal);
        Assert.Contains("08fc0c68-688e-455e-b7f0-4006f0e2b28c", output, StringComparison.Ordinal);
        Assert.Contains("\"challengeType\": \"urn:okta:params:oauth:grant-type:webauthn\"", output, StringComparison.Ordinal);
        Assert.Contains("{\"type\":\"webauthn.get\",\"challenge\":", output, StringComparison.Ordinal);
        Assert.Contains("\"amr\":[\"swk\",\"user\",\"pin\",\"mfa\"],\"acr\":\"phr\"}", output, StringComparison.Ordinal);
        Assert.Contains("{\"error\":\"access_denied\",\"error_description\":\"The WebAuthn challenge is unknown, already used or expired.", output, StringComparison.Ordinal);
        Assert.Contains("[]\n[]\n{\"sub\":\"00u", output, StringComparison.Ordinal);
        Assert.Contains("{\"error\":\"invalid_grant\",\"error_description\":\"The passkey assertion could not be verified.\"}", output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(output, "\\{\"status\":\"signed_in\",\"subject\":\"00u"));
        Assert.Contains("There is no passkey in the authenticator", output, StringComparison.Ordinal);
        Assert.Contains("exit 1", output, StringComparison.Ordinal);
        Assert.Matches("Deleted factor fwf\\w+\\.\nRemoved passkey fwf\\w+\\.", output);
        Assert.DoesNotContain("jq: error", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("command not found", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MfaPasskeyDoc_RunsAsWritten()
    {
        var (output, errors) = await RunDocAsync("mfa-passkey.md");

        Assert.Contains("{\"amr\":[\"pwd\"],\"acr\":\"urn:okta:loa:1fa:pwd\"}", output, StringComparison.Ordinal);
        Assert.Contains("Registered passkey 'Max's laptop' for max-", output, StringComparison.Ordinal);
        Assert.Contains("\"error\": \"mfa_required\"", output, StringComparison.Ordinal);
        Assert.Contains("{\"challengeType\":\"urn:okta:params:oauth:grant-type:mfa-webauthn\",\"rpId\":\"127.0.0.1\"", output, StringComparison.Ordinal);
        Assert.Contains("{\"amr\":[\"pwd\",\"swk\",\"user\",\"pin\",\"mfa\"],\"acr\":\"phr\"}", output, StringComparison.Ordinal);
        Assert.Contains("{\"error\":\"access_denied\",\"error_description\":\"'mfa_token' has expired.", output, StringComparison.Ordinal);
        Assert.Contains("urn:okta:params:oauth:grant-type:mfa-webauthn\n{\"amr\":[\"pwd\",\"swk\",\"user\",\"pin\",\"mfa\"]}", output, StringComparison.Ordinal);
        Assert.Contains("{\"status\":\"signed_in\",\"amr\":[\"pwd\",\"swk\",\"user\",\"pin\",\"mfa\"]}", output, StringComparison.Ordinal);
        Assert.Contains("There is no passkey in the authenticator", output, StringComparison.Ordinal);
        Assert.Contains("exit 1", output, StringComparison.Ordinal);
        Assert.Matches("Deleted factor fwf\\w+\\.\nRemoved passkey fwf\\w+\\.", output);
        Assert.DoesNotContain("jq: error", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("command not found", errors, StringComparison.Ordinal);
    }

    private async Task<(string Output, string Errors)> RunDocAsync(string page)
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(CliProcess.DllPath)!, "..", "..", "..", "..", ".."));
        var doc = await File.ReadAllTextAsync(Path.Combine(root, "docs", "flows", page));
        var blocks = BashBlock().Matches(doc).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("scripts/run --demo", blocks[0], StringComparison.Ordinal);   // terminal 1: the server, here the fixture
        var script = string.Join("\n", blocks.Skip(1))
            .Replace("http://127.0.0.1:5080", server.Url, StringComparison.Ordinal)
            .Replace(DocToken, CliServer.AdminToken, StringComparison.Ordinal)
            .Replace("/tmp/", _dir + "/", StringComparison.Ordinal);

        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DIRECTAUTH_AUTHENTICATOR_STATE");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        await bash.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        return (await stdout, await stderr);
    }
}
