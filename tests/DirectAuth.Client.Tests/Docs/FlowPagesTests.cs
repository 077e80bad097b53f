using DirectAuth.Client.Tests.Cli;
using DirectAuth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DirectAuth.Client.Tests.Docs;

/// <summary>
/// A page in docs/flows runs as written: it starts its own server as README.md says (on a fresh SQLite database of its
/// own, the embedded default the pages document), every command block runs in order in one shell, and what each block
/// prints matches the output the page shows under it. A page that states something the server does not do, or a step
/// that silently depends on another page, fails here. How a page marks its blocks: docs/development.md ("Docs that run").
/// One class per page, so that pages (each mostly waiting: send limits, TOTP steps, polling intervals) run in parallel;
/// <see cref="FlowPagesIndexTests"/> checks that every page has one.
/// </summary>
public abstract class FlowPageTest(string page, ITestOutputHelper output)
{
    // Pages run in parallel, but one server starts at a time: scripts/run builds the server when a source is newer
    // than the build, and two builds of one project at once trip over each other.
    private static readonly SemaphoreSlim ServerStart = new(1, 1);

    public string Page => page;

    [SqliteOnlyFact]
    public async Task Page_RunsAsWritten()
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(CliPaths.RepositoryRoot, "docs", "flows", page));
        var steps = DocPage.Parse(markdown);
        Assert.Contains(steps, s => s.Kind == StepKind.Server); // self-contained: the page starts its own server

        await using var shell = await DocShell.StartAsync();
        var logs = new List<string>();
        foreach (var step in steps)
        {
            var code = shell.Localize(step.Instead ?? step.Code);
            switch (step.Kind)
            {
                case StepKind.Skip:
                    continue;
                case StepKind.Server:
                    bool up;
                    await ServerStart.WaitAsync();
                    try
                    {
                        logs.Add(await shell.StartServerAsync(code));
                        up = await shell.WaitForServerAsync(TimeSpan.FromMinutes(3));
                    }
                    finally { ServerStart.Release(); }
                    Assert.True(up, $"{page}: the server started at line {step.Line} did not answer.\n{Tail(logs)}");
                    continue;
                case StepKind.Background:
                    logs.Add(await shell.StartBackgroundAsync(code));
                    continue;
            }
            var (succeeded, printed) = await shell.RunAsync(code, TimeSpan.FromMinutes(2));
            output.WriteLine($"--- {page}:{step.Line}\n{code}\n--- printed:\n{printed}");
            Assert.True(succeeded, $"{page}: the block at line {step.Line} failed.\n{code}\n--- printed:\n{printed}\n{Tail(logs)}");
            if (step.Expected is { } expected)
                Assert.True(DocPage.Matches(shell.Localize(expected), printed),
                    $"{page}: the block at line {step.Line} printed something else than the page shows.\n{code}\n--- page shows:\n{shell.Localize(expected)}\n--- printed:\n{printed}");
        }
    }

    private static string Tail(IEnumerable<string> logs) => string.Join("\n", logs.Where(File.Exists).Select(log =>
        $"--- {Path.GetFileName(log)} (last lines):\n" + string.Join("\n", File.ReadAllLines(log).TakeLast(30))));
}

public sealed class PushPageTests(ITestOutputHelper output) : FlowPageTest("push.md", output);
public sealed class MfaPushPageTests(ITestOutputHelper output) : FlowPageTest("mfa-push.md", output);
public sealed class OtpPageTests(ITestOutputHelper output) : FlowPageTest("otp.md", output);
public sealed class MfaOtpPageTests(ITestOutputHelper output) : FlowPageTest("mfa-otp.md", output);
public sealed class SmsVoicePageTests(ITestOutputHelper output) : FlowPageTest("sms-voice.md", output);
public sealed class MfaSmsVoicePageTests(ITestOutputHelper output) : FlowPageTest("mfa-sms-voice.md", output);
public sealed class PasskeyPageTests(ITestOutputHelper output) : FlowPageTest("passkey.md", output);
public sealed class MfaPasskeyPageTests(ITestOutputHelper output) : FlowPageTest("mfa-passkey.md", output);

public sealed class FlowPagesIndexTests
{
    [Fact]
    public void EveryFlowPage_HasATestThatRunsIt()
    {
        var pages = Directory.GetFiles(Path.Combine(CliPaths.RepositoryRoot, "docs", "flows"), "*.md").Select(f => Path.GetFileName(f)).Order();
        var tested = typeof(FlowPageTest).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(FlowPageTest)))
            .Select(t => ((FlowPageTest)Activator.CreateInstance(t, new object?[] { null })!).Page).Order();
        Assert.Equal(pages, tested);
    }
}

/// <summary>A test that runs only on the SQLite pass of the suite (the embedded default); skipped on PostgreSQL.</summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute()
    {
        if (TestDatabase.Provider != "sqlite") Skip = "Runs on the SQLite pass only: the pages use the embedded default.";
    }
}
