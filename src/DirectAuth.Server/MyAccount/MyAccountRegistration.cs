using DirectAuth.Server.Http;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.MyAccount;

/// <summary>The MyAccount API (<c>/idp/myaccount</c>): its services, its routes, and the admin routes that grant apps its scopes.</summary>
public static class MyAccountRegistration
{
    public static IServiceCollection AddMyAccount(this IServiceCollection services)
    {
        services.AddOptions<MyAccountOptions>().BindConfiguration(MyAccountOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MyAccountOptions>, MyAccountOptionsValidation>();
        // Sources are asked in registration order: the Bearer token first; the My Account page adds its session source after.
        services.AddScoped<IMyAccountCallerSource, BearerCallerSource>();
        services.AddScoped<MyAccountAccess>();
        services.AddScoped<MyAccountUsers>();
        services.AddScoped<MyAccountAudit>();
        services.AddScoped<LastFactorRule>();
        services.AddScoped<FactorChangeNotifier>();
        services.AddScoped<SelfServiceFactors>();
        return services;
    }

    /// <param name="admin">The admin-token group (<c>/api/v1</c>), for the app grants.</param>
    public static void MapMyAccount(this IEndpointRouteBuilder app, RouteGroupBuilder admin)
    {
        var api = app.MapGroup(MyAccountFactorLinks.BasePath).WithTags("MyAccount (self-service)").AddEndpointFilter<OktaVersionFilter>();
        api.MapMyAccountFactors();
        api.MapMyAccountPhones();
        api.MapMyAccountRecoveryCodes();
        api.MapMyAccountPassword();
        admin.MapAppScopeGrants();
    }

    private sealed class MyAccountOptionsValidation : IValidateOptions<MyAccountOptions>
    {
        public ValidateOptionsResult Validate(string? name, MyAccountOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Okta versions the MyAccount API in the <c>Accept</c> header (<c>application/json; okta-version=1.0.0</c>). DirectAuth
/// serves version 1.0.0, and also a request without a version (curl): an <c>Accept</c> that names another version, or
/// that accepts no JSON at all, is <c>406</c>.
/// </summary>
public sealed class OktaVersionFilter : IEndpointFilter
{
    public const string Version = "1.0.0";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return next(context);
        var json = accept.Where(a => a.MediaType.Value is "application/json" or "application/*" or "*/*").ToList();
        var versions = json.SelectMany(a => a.Parameters).Where(p => p.Name.Equals("okta-version", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value.Value?.Trim('"')).ToList();
        if (json.Count > 0 && (versions.Count == 0 || versions.Contains(Version))) return next(context);
        return ValueTask.FromResult<object?>(new OktaErrorResult(406, OktaErrors.Create("E0000003", "The request was not acceptable",
            $"Accept must allow application/json; okta-version={Version}")));
    }
}
