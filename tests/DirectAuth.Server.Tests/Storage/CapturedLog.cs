using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DirectAuth.Server.Tests.Storage;

/// <summary>Collects what an in-process server logs (category, level, message, exception), for tests about the log itself.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
