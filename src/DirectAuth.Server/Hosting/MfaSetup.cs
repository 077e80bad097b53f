using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Endpoints;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Management;
using DirectAuth.Server.Policies;
using DirectAuth.Server.RecoveryCodes;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Hosting;

/// <summary>Registers multifactor sign-in: policies, groups, MFA transactions, TOTP, recovery codes, their grants and endpoints.</summary>
public static class MfaSetup
{
    public static IServiceCollection AddDirectAuthMfa(this IServiceCollection services)
    {
        services.AddOptions<MfaOptions>().BindConfiguration("Mfa").ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MfaOptions>, MfaOptionsValidation>();
        services.AddScoped<PolicyEvaluator>();
        services.AddScoped<SignInTokens>();
        services.AddScoped<MfaTransactions>();
        services.AddScoped<TotpVerifier>();
        services.AddScoped<RecoveryCodeService>();
        services.AddScoped<Authenticators.FactorChangeActor>();
        services.AddScoped<IFactorHandler, TotpFactorHandler>();
        services.AddScoped<ISecretResealer, TotpSecretResealer>();
        services.AddScoped<ITokenGrant, OtpGrant>();
        services.AddScoped<ITokenGrant, MfaOtpGrant>();
        services.AddScoped<ITokenGrant, RecoveryCodeGrant>();
        services.AddSingleton<IExpiringRows, MfaExpiringRows>();
        return services;
    }

    /// <summary>Maps <c>/challenge</c>, the TOTP QR code link, and the policies, groups and recovery-code management APIs onto <paramref name="admin"/>.</summary>
    public static void MapDirectAuthMfa(this WebApplication app, RouteGroupBuilder admin)
    {
        app.MapChallengeEndpoint();
        app.MapTotpQrCode();
        admin.MapPoliciesApi();
        admin.MapGroupsApi();
        admin.MapRecoveryCodesApi();
    }

    private sealed class MfaOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<MfaOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, MfaOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems
                ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
                : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }

    private sealed class MfaExpiringRows : IExpiringRows
    {
        public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct) =>
            db.Set<MfaTransaction>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
