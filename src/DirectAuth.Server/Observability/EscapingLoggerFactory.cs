using System.Text;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Observability;

/// <summary>
/// The application's <see cref="ILoggerFactory"/>: the framework's own, with every message (and the message
/// line of every exception) passed through <see cref="LogText.Escape"/> before any provider formats it, so
/// the console log, and any provider added later, never receives a raw control character from a request. A line
/// written while a request is served ends with <c>trace_id=</c> and the request's W3C trace id.
/// </summary>
public sealed class EscapingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new EscapingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Makes the host's logging use <see cref="EscapingLoggerFactory"/>. Call after the logging providers are added.</summary>
    public static void Install(IServiceCollection services)
    {
        services.AddSingleton<ILoggerFactory>(sp => new EscapingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>())));
    }

    private sealed class EscapingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var escaped = exception is null ? null : new EscapedException(exception);
            // The request's W3C trace id ends the line (console and JSON message alike): a log line finds its trace.
            var trace = System.Diagnostics.Activity.Current is { } activity ? " trace_id=" + activity.TraceId.ToHexString() : "";
            inner.Log(logLevel, eventId, state, escaped, (s, _) => LogText.Escape(formatter(s, exception)) + trace);
        }
    }

    /// <summary>An exception as logged: each type and message escaped, the stack traces (written by the runtime) kept as they are.</summary>
    private sealed class EscapedException(Exception original) : Exception(LogText.Escape(original.Message))
    {
        private readonly string _text = Render(original);

        public override string ToString() => _text;

        private static string Render(Exception exception)
        {
            var text = new StringBuilder();
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e != exception) text.Append(Environment.NewLine).Append(" ---> ");
                text.Append(LogText.Escape($"{e.GetType().FullName}: {e.Message}"));
                if (e.StackTrace is { } trace) text.Append(Environment.NewLine).Append(trace);
            }
            return text.ToString();
        }
    }
}
