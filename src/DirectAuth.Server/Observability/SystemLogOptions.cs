using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Observability;

/// <summary>The system log (configuration section <c>SystemLog</c>, env <c>DIRECTAUTH_SYSTEMLOG__...</c>).</summary>
public sealed class SystemLogOptions
{
    public const string Section = "SystemLog";

    /// <summary>Events older than this many days are deleted (Okta keeps its System Log for 90 days).</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>
    /// Management API requests refused for a missing or wrong token are logged as one event per source address
    /// and reason per this many seconds: the first at once, the rest as one summary event with their count.
    /// </summary>
    public int AdminAuthFailureIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// Token requests refused before a user is named (wrong scope, unknown or unallowed grant type, a parameter
    /// missing) are logged as one event per source address, client and error per this many seconds, like the above.
    /// </summary>
    public int TokenRefusalIntervalSeconds { get; set; } = 60;
}

internal sealed class SystemLogOptionsValidation : IValidateOptions<SystemLogOptions>
{
    public ValidateOptionsResult Validate(string? name, SystemLogOptions o)
    {
        var problems = new List<string>();
        if (o.RetentionDays is < 1 or > 3650) problems.Add("SystemLog:RetentionDays must be between 1 and 3650.");
        if (o.AdminAuthFailureIntervalSeconds is < 1 or > 86_400) problems.Add("SystemLog:AdminAuthFailureIntervalSeconds must be between 1 and 86400.");
        if (o.TokenRefusalIntervalSeconds is < 1 or > 86_400) problems.Add("SystemLog:TokenRefusalIntervalSeconds must be between 1 and 86400.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>System log retention: events older than <see cref="SystemLogOptions.RetentionDays"/> go with the other expired rows.</summary>
internal sealed class AuditEventExpiringRows(IOptions<SystemLogOptions> options) : IExpiringRows
{
    public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct)
    {
        var before = now.AddDays(-options.Value.RetentionDays);
        return db.Set<AuditEvent>().Where(e => e.Published < before).ExecuteDeleteAsync(ct);
    }
}

public static class SystemLogRegistration
{
    public static IServiceCollection AddSystemLog(this IServiceCollection services)
    {
        services.AddOptions<SystemLogOptions>().BindConfiguration(SystemLogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SystemLogOptions>, SystemLogOptionsValidation>();
        services.AddSingleton<IExpiringRows, AuditEventExpiringRows>();
        services.AddSingleton<RefusalSummaries>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusalSummaries>());
        return services;
    }
}
