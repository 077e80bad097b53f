using System.Diagnostics;
using System.Text.RegularExpressions;
using DirectAuth.Client.Tests.Cli;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Docs;

/// <summary>
/// docs/client-sdk.md shows code that compiles and runs: each snippet is, character for character, a marked region
/// of samples/ConsoleSignIn (which the build compiles), and the sample signs a user in against the real server.
/// </summary>
public sealed partial class ClientSdkDocTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private static readonly string Root = CliPaths.RepositoryRoot;

    [GeneratedRegex(@"<!-- snippet: ([\w-]+) -->\n```csharp\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex DocSnippet();

    [GeneratedRegex(@"[ \t]*// <snippet:([\w-]+)>\n(.*?)\n[ \t]*// </snippet:\1>", RegexOptions.Singleline)]
    private static partial Regex SampleRegion();

    [Fact]
    public void Doc_EverySnippet_IsTheSampleRegionVerbatim()
    {
        var regions = Directory.GetFiles(Path.Combine(Root, "samples", "ConsoleSignIn"), "*.cs")
            .SelectMany(f => SampleRegion().Matches(File.ReadAllText(f)))
            .ToDictionary(m => m.Groups[1].Value, m => Dedent(m.Groups[2].Value));
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "client-sdk.md"));
        var snippets = DocSnippet().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        Assert.Equal(regions.Keys.Order(), snippets.Keys.Order());
        foreach (var (name, code) in snippets) Assert.Equal(regions[name], code);
        Assert.Equal(Regex.Count(doc, "<!-- snippet:"), snippets.Count);
    }

    [Fact]
    public void Readme_LinksTheClientSdkGuide() =>
        Assert.Contains("(docs/client-sdk.md)", File.ReadAllText(Path.Combine(Root, "README.md")), StringComparison.Ordinal);

    [Fact]
    public async Task Sample_CompleteExample_SignsInAndOutAgainstTheRealServer()
    {
        var client = await fixture.Server.RegisterClientAsync();
        var login = $"sample-{Guid.NewGuid():N}@example.com";
        var userId = await fixture.Server.CreateUserAsync(login);
        var dll = Path.Combine(Root, "samples", "ConsoleSignIn", "bin", CliPaths.Configuration, "net10.0", "ConsoleSignIn.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, fixture.Issuer, client.ClientId, "password" }) start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync($"{login}\n{ServerFixture.DefaultPassword}\n");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains($"Signed in as Test User ({userId})", output, StringComparison.Ordinal);
        Assert.Contains("Signed out.", output, StringComparison.Ordinal);
    }

    private static string Dedent(string text)
    {
        var lines = text.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
