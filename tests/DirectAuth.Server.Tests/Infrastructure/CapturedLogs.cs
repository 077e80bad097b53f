using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectAuth.Server.Tests.Infrastructure;

/// <summary>
/// Every line the server's logging writes from now on, as a provider sees it (the formatted message and the
/// exception's text): added to the running server's <see cref="ILoggerFactory"/>, like the console provider.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public static CapturedLogs On(TestServerFactory factory)
    {
        var logs = new CapturedLogs();
        factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        return logs;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception));
    }
}
