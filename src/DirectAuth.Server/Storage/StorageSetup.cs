using DirectAuth.Server.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Storage;

public static class StorageSetup
{
    public static StorageProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => StorageProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => StorageProvider.Postgres,
        _ => throw new InvalidOperationException($"Storage:Provider '{value}' is not known; use 'sqlite' or 'postgres'."),
    };

    public static string ConnectionString(StorageOptions options, StorageProvider provider)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return options.ConnectionString;
        if (provider == StorageProvider.Postgres)
            throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is 'postgres'.");
        Directory.CreateDirectory(options.DataDirectory);
        return $"Data Source={Path.Combine(options.DataDirectory, "directauth.db")}";
    }

    public static IServiceCollection AddDirectAuthStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DirectAuthOptions>>().Value.Storage;
            var provider = ParseProvider(options.Provider);
            if (provider == StorageProvider.Sqlite) SqliteConnectionSetup.ConfigureProcess();
            return new StorageSettings(provider, ConnectionString(options, provider));
        });
        services.AddDbContextPool<DirectAuthDb>((sp, db) =>
        {
            var storage = sp.GetRequiredService<StorageSettings>();
            if (storage.Provider == StorageProvider.Sqlite)
                db.UseSqlite(storage.ConnectionString).AddInterceptors(new SqliteConnectionSetup(), sp.GetRequiredService<SqliteWriteGate>());
            else
                db.UseNpgsql(storage.ConnectionString);
            if (sp.GetService<Observability.Telemetry.SaveChangesMetrics>() is { } saves) db.AddInterceptors(saves); // metrics and spans (server only)
            // WireConventionsMiddleware logs each failure once (a 500 with its stack trace, an outage as one line):
            // EF's own error events would add a stack trace per request.
            db.ConfigureWarnings(w => w.Log(
                (CoreEventId.QueryIterationFailed, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug), (RelationalEventId.ConnectionError, LogLevel.Debug),
                (RelationalEventId.TransactionError, LogLevel.Debug)));
        });
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<SqliteWriteGate>();
        return services;
    }
}
