using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Transactions;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand;

/// <summary>Out-of-band sign-in: the transaction core and the push channel (the OOB grants: <c>Grants.GrantRegistration</c>; the endpoints: <c>Endpoints.OutOfBandEndpoints</c>).</summary>
public static class OutOfBandRegistration
{
    public static IServiceCollection AddOutOfBand(this IServiceCollection services)
    {
        services.AddOptions<OutOfBandOptions>().BindConfiguration(OutOfBandOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutOfBandOptions>, OutOfBandOptionsValidation>();
        services.AddSingleton<PollClock>();
        services.AddPreparedLookup<OobTransaction>(nameof(OobTransaction.CodeHash));
        services.AddScoped<OobStarter>();
        services.AddScoped<OobPolling>();
        services.AddScoped<IOutOfBandChallenger, OobChallenger>();
        services.AddSingleton<IExpiringRows, OutOfBandExpiringRows>();
        services.AddSingleton<ISecretResealer, OobResealer>();
        services.AddSingleton<IPendingOutOfBand, PendingOutOfBand>();

        services.AddScoped<IOobChannel, PushChannel>();
        services.AddScoped<IFactorHandler, PushFactorHandler>();
        services.AddScoped<PushLimits>();
        services.AddScoped<PushFactorVerifier>();
        services.AddScoped<NumberChallenge>();
        services.AddScoped<PushAnswers>();
        services.AddScoped<PushActivation>();
        services.AddSingleton<DeviceSignatures>();
        services.AddSingleton<PushHub>();
        services.AddSingleton<PushEventStream>();
        services.AddSingleton<PostgresPushBus>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresPushBus>());
        services.AddSingleton<IPushBus>(sp => sp.GetRequiredService<StorageSettings>().Provider == StorageProvider.Postgres
            ? sp.GetRequiredService<PostgresPushBus>()
            : new InProcessPushBus(sp.GetRequiredService<PushHub>()));
        return services;
    }

    private sealed class OutOfBandOptionsValidation : IValidateOptions<OutOfBandOptions>
    {
        public ValidateOptionsResult Validate(string? name, OutOfBandOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
