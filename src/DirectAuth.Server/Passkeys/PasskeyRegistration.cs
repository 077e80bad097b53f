using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Storage;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Passkeys;

/// <summary>Passkeys: options, the ceremony services, the webauthn factor type, and the app association files (the two grants: <c>Grants.GrantRegistration</c>).</summary>
public static class PasskeyRegistration
{
    public static IServiceCollection AddPasskeys(this IServiceCollection services)
    {
        services.AddOptions<PasskeyOptions>().BindConfiguration(PasskeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PasskeyOptions>, PasskeyOptionsValidation>();
        services.AddScoped<WebAuthnRelyingParty>();
        services.AddScoped<WebAuthnChallenges>();
        services.AddScoped<WebAuthnRegistration>();
        services.AddScoped<WebAuthnAssertions>();
        services.AddScoped<WebAuthnChallenger>();
        services.AddScoped<IFactorHandler, WebAuthnFactorHandler>();
        services.AddSingleton<IExpiringRows, PasskeyExpiringRows>();
        services.AddSingleton<AppAssociationFiles>();
        return services;
    }

    public static IEndpointRouteBuilder MapPasskeys(this IEndpointRouteBuilder app)
    {
        app.MapAppAssociationFiles();
        return app;
    }

    private sealed class PasskeyOptionsValidation : IValidateOptions<PasskeyOptions>
    {
        public ValidateOptionsResult Validate(string? name, PasskeyOptions options) =>
            options.Problems().Concat(AppAssociationFiles.Problems(options)).ToList() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
