using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Hosting;

public static class ServiceRegistration
{
    /// <summary>The core services: storage, keys, tokens, client authentication, users, and the foundation grants.</summary>
    public static IServiceCollection AddDirectAuthCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddDirectAuthStorage();
        services.AddSingleton(sp => SecretProtector.FromOptions(
            sp.GetRequiredService<IOptions<DirectAuthOptions>>().Value, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SecretProtector>()));
        services.AddSingleton<ServerDirectory>();
        services.AddSingleton<SigningKeyService>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<OAuthRequestReader>();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<AdminAuthentication>();
        services.AddScoped<DatabaseInitializer>();
        services.AddScoped<AuditLog>();
        services.AddSystemLog();
        services.AddScoped<TokenIssuer>();
        services.AddScoped<AccessTokenValidator>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<PrivateKeyJwtValidator>();
        services.AddScoped<LockoutService>();
        services.AddScoped<PasswordAuthenticator>();
        services.AddScoped<SignInCompletion>();
        services.AddSingleton<TokenGrantFactory>();
        services.AddSingleton<Endpoints.DiscoveryDocuments>();
        services.AddPreparedLookup<Applications.Application>(nameof(Applications.Application.ClientId));
        services.AddSingleton<Applications.ApplicationCache>();
        services.AddScoped<ITokenGrant, PasswordGrant>();
        services.AddScoped<ITokenGrant, RefreshTokenGrant>();
        services.AddPreparedLookup<Tokens.RefreshToken>(nameof(Tokens.RefreshToken.TokenHash));
        services.AddScoped<ITokenGrant, ClientCredentialsGrant>();
        services.AddSingleton<IExpiringRows, CoreExpiringRows>();
        services.AddHostedService<ExpiredRowsCleanup>();
        return services;
    }
}
