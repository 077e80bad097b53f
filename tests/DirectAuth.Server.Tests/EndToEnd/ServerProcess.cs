using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectAuth.Server.Tests.EndToEnd;

/// <summary>
/// The built server started the way the README starts it (<c>dotnet DirectAuth.Server.dll</c>, here with
/// <c>--urls</c> on a free loopback port) in a fresh working directory, its output collected.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    public string WorkingDirectory { get; }
    public string BaseUrl { get; }

    private ServerProcess(Process process, string workingDirectory, string baseUrl)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        BaseUrl = baseUrl;
    }

    public string Output
    {
        get { lock (_lock) return _output.ToString(); }
    }

    /// <summary>The server's own build output: src/DirectAuth.Server/bin/{configuration}/net10.0/DirectAuth.Server.dll.</summary>
    public static string ServerDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory); // tests/DirectAuth.Server.Tests/bin/{configuration}/net10.0/
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "DirectAuth.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var dll = Path.Combine(root.FullName, "src", "DirectAuth.Server", "bin", configuration, "net10.0", "DirectAuth.Server.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return dll;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static ServerProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("directauth-e2e-").FullName;
        port ??= FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        // The test run's own settings must not leak into the server under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DIRECTAUTH_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, workingDirectory, baseUrl);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lock) _output.AppendLine(line);
    }

    /// <summary>Waits until the output matches, or fails with the output so far.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var output = Output;
            if (done(output)) return output;
            if (_process.HasExited) break;
            await Task.Delay(200);
        }
        var final = Output;
        return done(final) ? final : throw new Xunit.Sdk.XunitException($"server output did not show what was expected (exited: {_process.HasExited}):\n{final}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(WorkingDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
