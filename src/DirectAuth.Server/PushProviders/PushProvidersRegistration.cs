using System.Net;
using DirectAuth.Server.OutOfBand.Push;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.PushProviders;

/// <summary>APNs and FCM (each on when its settings are), plugged into push as its <see cref="IPhoneWaker"/>.</summary>
public static class PushProvidersRegistration
{
    public static IServiceCollection AddPushProviders(this IServiceCollection services)
    {
        services.AddOptions<PushProviderOptions>().BindConfiguration(PushProviderOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PushProviderOptions>, Validation>();
        services.AddSingleton<ApnsProviderToken>();
        services.AddSingleton<FcmAccessToken>();
        services.AddSingleton<ApnsSender>();
        services.AddSingleton<FcmSender>();
        services.AddSingleton<IEnumerable<IPushProvider>>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<PushProviderOptions>>().Value;
            var list = new List<IPushProvider>();
            if (o.Apns.Enabled) list.Add(sp.GetRequiredService<ApnsSender>());
            if (o.Fcm.Enabled) list.Add(sp.GetRequiredService<FcmSender>());
            return list;
        });
        services.AddSingleton<PhoneWakeDispatcher>();
        services.AddSingleton<IPhoneWaker>(sp => sp.GetRequiredService<PhoneWakeDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<PhoneWakeDispatcher>());
        // HTTP/2 to Apple (required) and Google; several connections when one is at its stream limit.
        services.AddHttpClient(ApnsSender.ClientName).ConfigurePrimaryHttpMessageHandler(NewHandler);
        services.AddHttpClient(FcmSender.ClientName).ConfigurePrimaryHttpMessageHandler(NewHandler);
        return services;
    }

    private static SocketsHttpHandler NewHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionLifetime = TimeSpan.FromMinutes(30),
        AutomaticDecompression = DecompressionMethods.None,
    };

    private sealed class Validation : IValidateOptions<PushProviderOptions>
    {
        public ValidateOptionsResult Validate(string? name, PushProviderOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
