using System.Diagnostics;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>Runs <c>directauth</c> as a script would: arguments, optional stdin, captured stdout/stderr and exit code.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(string? stdin, params string[] arguments) => RunWithEnvironmentAsync(new Dictionary<string, string>(), stdin, arguments);

    public static async Task<Result> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, string? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["DOTNET_NOLOGO"] = "1" },
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(CliPaths.Dll);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
