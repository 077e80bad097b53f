using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The one Chromium of the test run: Debian's <c>chromium</c> (<c>/usr/bin/chromium</c>, or
/// <c>DIRECTAUTH_CHROMIUM</c>), headless, driven by Playwright without Playwright's own browser download.
/// The first test that needs it launches it; it closes when the test process exits. Every test gets its
/// own <see cref="IBrowserContext"/> (cookies, storage, virtual authenticators), so test classes run in
/// parallel on it.
/// </summary>
public static class SharedBrowser
{
    private static readonly Lazy<Task<IBrowser>> Instance = new(LaunchAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("DIRECTAUTH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where a failing browser test leaves its screenshots: <c>TestResults/browser/</c> at the repository root.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "DirectAuth.slnx"))) root = root.Parent;
            return Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "TestResults", "browser");
        }
    }

    public static Task<IBrowser> GetAsync() => Instance.Value;

    /// <summary>
    /// A screenshot in <c>TestResults/browser/{artifact}.png</c>; with <c>DIRECTAUTH_UPDATE_DOC_IMAGES=1</c> also into
    /// <c>docs/images/{docsFolder}/{docName}.png</c>, the pictures the docs show.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string artifact, string docsFolder, string docName, bool fullPage = true)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var path = Path.Combine(ArtifactsDirectory, $"{artifact}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        if (Environment.GetEnvironmentVariable("DIRECTAUTH_UPDATE_DOC_IMAGES") == "1")
        {
            var docs = Path.Combine(Path.GetDirectoryName(ArtifactsDirectory)!, "..", "docs", "images", docsFolder);
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, docName + ".png"), overwrite: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a fresh page in a context of its own. When it fails, every page of the
    /// context is saved as <c>{Class}.{Test}.png</c> (and its console output as <c>.console.txt</c>) in
    /// <see cref="ArtifactsDirectory"/> before the failure goes on to xunit.
    /// </summary>
    public static async Task RunAsync(Func<IPage, Task> test, [CallerFilePath] string file = "", [CallerMemberName] string name = "")
    {
        var browser = await GetAsync();
        await using var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        var console = new List<string>();
        context.Console += (_, message) => { lock (console) console.Add($"{message.Type}: {message.Text}"); };
        context.WebError += (_, error) => { lock (console) console.Add($"pageerror: {error.Error}"); };
        var page = await context.NewPageAsync();
        try
        {
            await test(page);
        }
        catch
        {
            try { await SaveArtifactsAsync(context, $"{Path.GetFileNameWithoutExtension(file)}.{name}", console); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlaywrightException) { } // the test's failure is the one to report
            throw;
        }
    }

    private static async Task SaveArtifactsAsync(IBrowserContext context, string name, List<string> console)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var pages = context.Pages;
        for (var i = 0; i < pages.Count; i++)
        {
            var path = Path.Combine(ArtifactsDirectory, i == 0 ? $"{name}.png" : $"{name}-{i + 1}.png");
            try { await pages[i].ScreenshotAsync(new() { Path = path, FullPage = true, Timeout = 10_000 }); }
            catch (PlaywrightException) { } // a crashed or closed page: the test's own failure is what matters
        }
        string[] lines;
        lock (console) lines = [.. console];
        await File.WriteAllLinesAsync(Path.Combine(ArtifactsDirectory, $"{name}.console.txt"), lines);
    }

    private static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: scripts/install-deps installs Debian's chromium (or set DIRECTAUTH_CHROMIUM).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
                // Containers give /dev/shm a few MB; Chromium then crashes tabs instead of failing cleanly.
                Args = ["--disable-dev-shm-usage"],
            });
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Close(playwright, browser);
            return browser;
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private static void Close(IPlaywright playwright, IBrowser browser)
    {
        try { browser.CloseAsync().Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { } // already gone; disposing the driver below ends it in any case
        playwright.Dispose();
    }
}
