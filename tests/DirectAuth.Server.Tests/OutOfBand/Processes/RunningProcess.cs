using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace DirectAuth.Server.Tests.OutOfBand.Processes;

/// <summary>A child process whose output lines the test can wait for; killed (with its tree) when disposed.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _all = new();

    private RunningProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data, "");
        process.ErrorDataReceived += (_, e) => Add(e.Data, "[stderr] ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Add(string? line, string prefix)
    {
        if (line is null) return;
        _all.Enqueue(prefix + line);
        if (prefix.Length == 0) _lines.Writer.TryWrite(line);
    }

    /// <summary>Starts <c>dotnet {dll} {args}</c> with extra environment variables.</summary>
    public static RunningProcess StartDotnet(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new RunningProcess(Process.Start(info)!);
    }

    /// <summary>Everything the process wrote so far (stderr lines marked), for failure messages.</summary>
    public string Output => string.Join('\n', _all);

    public bool HasExited => _process.HasExited;

    /// <summary>The next stdout line that satisfies <paramref name="match"/>; fails with the whole output after <paramref name="seconds"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, int seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (match(line)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {seconds} s. Output so far:\n{Output}");
        }
    }

    public async Task<int> WaitForExitAsync(int seconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"The process did not exit within {seconds} s. Output:\n{Output}"); }
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    private bool _disposed;

    /// <summary>Kills the process and waits for it; a second call does nothing (a test may stop a server its <c>await using</c> disposes again).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Kill();
        try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); } catch (OperationCanceledException) { }
        _process.Dispose();
    }
}
