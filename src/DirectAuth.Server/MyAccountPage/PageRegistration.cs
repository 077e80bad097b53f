using DirectAuth.Server.Storage;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>The My Account page: its built-in app, sessions, guard (headers, CSRF) and endpoints.</summary>
public static class PageRegistration
{
    public static IServiceCollection AddMyAccountPage(this IServiceCollection services)
    {
        services.AddScoped<PageSessions>();
        // After AddMyAccount(): the MyAccount API asks the Bearer source first, then the page's session.
        services.AddScoped<MyAccount.IMyAccountCallerSource, SessionCallerSource>();
        services.AddSingleton<IExpiringRows, PageSessionExpiringRows>();
        services.AddHostedService<PageAppSetup>();
        return services;
    }

    public static void MapMyAccountPage(this WebApplication app)
    {
        app.UseMiddleware<PageGuard>();
        app.MapPageEndpoints();
        app.MapPageSession();
    }
}
