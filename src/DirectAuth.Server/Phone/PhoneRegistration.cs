using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Storage;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>Everything SMS and voice: delivery providers, phone factors, codes and their limits (the outbox API: <c>Management.PhoneApis</c>).</summary>
public static class PhoneRegistration
{
    public static IServiceCollection AddPhoneFactors(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidation>();
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PhoneOptions>, PhoneOptionsValidation>();

        // No client-wide timeout: each attempt has its own (Delivery:*:TimeoutMilliseconds).
        services.AddHttpClient(HttpDelivery.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<HttpDelivery>();
        services.AddScoped<OutboxSender>();
        services.AddScoped<WebhookSender>();
        services.AddScoped<TwilioSender>();
        services.AddScoped<ISmsSender>(sp => (ISmsSender)Provider(sp));
        services.AddScoped<IVoiceSender>(sp => (IVoiceSender)Provider(sp));

        services.AddSingleton<PhoneCodes>();
        services.AddSingleton<PhoneDestinations>();
        services.AddScoped<PhoneSendLimiter>();
        services.AddScoped<PumpingGuard>();
        services.AddScoped<PhoneCodeSender>();
        services.AddScoped<PhoneFactorServices>();
        services.AddScoped<PhoneFactorVerifier>();
        services.AddScoped<IFactorHandler, SmsFactorHandler>();
        services.AddScoped<IFactorHandler, CallFactorHandler>();
        services.AddSingleton<SendLatency>();
        services.AddScoped<IOobChannel, SmsChannel>();
        services.AddScoped<IOobChannel, VoiceChannel>();
        services.AddSingleton<IExpiringRows, OutboxExpiringRows>();
        services.AddSingleton<IExpiringRows, PhoneSendLimitExpiringRows>();
        return services;
    }

    private static object Provider(IServiceProvider sp) => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Provider switch
    {
        DeliveryProviders.Webhook => sp.GetRequiredService<WebhookSender>(),
        DeliveryProviders.Twilio => sp.GetRequiredService<TwilioSender>(),
        _ => sp.GetRequiredService<OutboxSender>(),
    };
}
