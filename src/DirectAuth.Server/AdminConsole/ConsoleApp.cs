using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Groups;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.AdminConsole;

/// <summary>
/// The built-in app the console's script signs in as: a public browser client of the org authorization server
/// with the password grant and the second-factor grants (the console needs two factors), and the administrators'
/// group. The server makes sure both exist on every start; deactivating the app turns console sign-in off.
/// </summary>
public static class ConsoleApp
{
    public const string ClientId = "directauth-console";
    public const string Name = "Admin console";
    public const string ServerId = AuthorizationServers.AuthorizationServer.OrgId;
    public const string OAuthBase = "/oauth2/v1";

    public static readonly string[] Grants = [GrantTypes.Password, GrantTypes.Webauthn, GrantTypes.MfaOtp, GrantTypes.MfaOob, GrantTypes.MfaWebauthn];
    public static readonly string[] Scopes = [Protocol.Scopes.OpenId, Protocol.Scopes.Profile];

    public static async Task EnsureAsync(DirectAuthDb db, ApplicationCache cache, TimeProvider clock, string adminGroup, CancellationToken ct)
    {
        var grants = string.Join(' ', Grants);
        var now = clock.GetUtcNow();
        var app = await db.Set<Application>().FirstOrDefaultAsync(a => a.ClientId == ClientId, ct);
        if (app is null)
            db.Add(new Application
            {
                ClientId = ClientId, Name = Name, ApplicationType = "browser", TokenEndpointAuthMethod = AuthMethods.None,
                GrantTypes = grants, Created = now, LastUpdated = now,
            });
        else if (app.GrantTypes != grants || app.TokenEndpointAuthMethod != AuthMethods.None)
        {
            app.GrantTypes = grants;
            app.TokenEndpointAuthMethod = AuthMethods.None;
            app.ClientSecretHash = null;
            app.LastUpdated = now;
        }
        var normalized = Group.Normalize(adminGroup);
        if (!await db.Set<Group>().AnyAsync(g => g.NormalizedName == normalized, ct))
            db.Add(new Group
            {
                Id = Secrets.NewId("00g"), Name = adminGroup.Trim(), NormalizedName = normalized,
                Description = "May sign in to the admin console.", Created = now, LastUpdated = now,
            });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same time made them.
        }
        db.ChangeTracker.Clear();
        cache.Forget();
    }
}

/// <summary>Makes sure <see cref="ConsoleApp"/> and the administrators' group exist when the server starts.</summary>
internal sealed class ConsoleAppSetup(IServiceProvider services, IOptions<ConsoleOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        await ConsoleApp.EnsureAsync(sp.GetRequiredService<DirectAuthDb>(), sp.GetRequiredService<ApplicationCache>(), sp.GetRequiredService<TimeProvider>(),
            options.Value.AdminGroup, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
