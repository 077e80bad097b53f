using DirectAuth.Server.Management;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.AdminConsole;

/// <summary>The admin console: its built-in app and group, sessions, the management API's session source, guard and pages.</summary>
public static class ConsoleRegistration
{
    public static IServiceCollection AddAdminConsole(this IServiceCollection services)
    {
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidation>();
        services.AddScoped<ConsoleSessions>();
        services.AddScoped<ConsoleAdmins>();
        services.AddScoped<IAdminSessionSource, ConsoleSessionSource>();
        services.AddHostedService<ConsoleAppSetup>();
        return services;
    }

    public static void MapAdminConsole(this WebApplication app)
    {
        app.UseMiddleware<ConsoleGuard>();
        app.MapConsolePage();
        app.MapConsoleSession();
    }

    private sealed class ConsoleOptionsValidation : IValidateOptions<ConsoleOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConsoleOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
