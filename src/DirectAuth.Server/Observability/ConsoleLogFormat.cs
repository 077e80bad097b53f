using Microsoft.Extensions.Logging.Console;

namespace DirectAuth.Server.Observability;

/// <summary>
/// Console log lines (docs/operations.md): by default one line per event, UTC timestamp then level
/// (<c>Logging:Console</c> in appsettings.json); <c>Logging:Console:FormatterName=json</c> (environment
/// <c>DIRECTAUTH_LOGGING__CONSOLE__FORMATTERNAME=json</c>) writes one JSON object per line instead. Both formatters
/// read the same <c>FormatterOptions</c>, whose timestamp format ends in the space the simple line needs; the JSON
/// one gets it without.
/// </summary>
public static class ConsoleLogFormat
{
    public static IServiceCollection AddConsoleLogFormat(this IServiceCollection services) =>
        services.PostConfigure<JsonConsoleFormatterOptions>(o => o.TimestampFormat = o.TimestampFormat?.TrimEnd());
}
