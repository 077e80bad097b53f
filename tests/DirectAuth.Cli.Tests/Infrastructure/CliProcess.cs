using System.Diagnostics;

namespace DirectAuth.Cli.Tests.Infrastructure;

/// <summary>What a CLI process did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>directauth</c> command line as a separate process, as an admin would.</summary>
public static class CliProcess
{
    /// <summary>The CLI's own build output (same configuration as this test assembly).</summary>
    public static string DllPath { get; } = FindDll();

    public static async Task<CliResult> RunAsync(CliServer server, string[] args, string? stdin = null, string? token = CliServer.AdminToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DIRECTAUTH_URL"] = server.Url;
        if (token is null) start.Environment.Remove("DIRECTAUTH_ADMIN_TOKEN");
        else start.Environment["DIRECTAUTH_ADMIN_TOKEN"] = token;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>directauth admin ...</c>.</summary>
    public static Task<CliResult> AdminAsync(this CliServer server, params string[] args) => RunAsync(server, ["admin", .. args]);

    private static string FindDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "DirectAuth.slnx"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("Cannot find the repository root (DirectAuth.slnx) above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "src", "DirectAuth.Cli", "bin", configuration, framework, "directauth.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"The CLI is not built: {dll} (build DirectAuth.slnx first)");
        return dll;
    }
}
