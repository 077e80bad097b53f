using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccountPage;

/// <summary>
/// The built-in app the My Account page's script signs in as: a public browser client of the org
/// authorization server (the one that grants the <c>okta.myAccount.*</c> scopes, as Okta's) with the direct-auth grants a person at the page can use (password, then a code, push,
/// SMS/voice, passkey or recovery code; or a passkey alone), granted every MyAccount scope. The server makes sure it
/// exists, with these grants and scopes, on every start; an administrator can still give it a sign-on policy of its
/// own, or deactivate it to turn the page's sign-in off.
/// </summary>
public static class PageApp
{
    public const string ClientId = "directauth-myaccount";
    public const string Name = "My Account page";
    /// <summary>The authorization server whose tokens the page signs in with.</summary>
    public const string ServerId = AuthorizationServers.AuthorizationServer.OrgId;

    public static readonly string[] Grants =
    [
        GrantTypes.Password, GrantTypes.Webauthn, GrantTypes.MfaOtp, GrantTypes.MfaOob, GrantTypes.MfaWebauthn, GrantTypes.MfaRecoveryCode,
    ];

    /// <summary>The scopes the page asks for at sign-in.</summary>
    public static readonly string[] Scopes = [Protocol.Scopes.OpenId, Protocol.Scopes.Profile, .. MyAccountScopes.All];

    public static async Task EnsureAsync(DirectAuthDb db, ApplicationCache cache, TimeProvider clock, CancellationToken ct)
    {
        var grants = string.Join(' ', Grants);
        var scopes = string.Join(' ', MyAccountScopes.All);
        var now = clock.GetUtcNow();
        var app = await db.Set<Application>().FirstOrDefaultAsync(a => a.ClientId == ClientId, ct);
        if (app is null)
        {
            db.Add(new Application
            {
                ClientId = ClientId, Name = Name, ApplicationType = "browser", TokenEndpointAuthMethod = AuthMethods.None,
                GrantTypes = grants, GrantedScopes = scopes, Created = now, LastUpdated = now,
            });
        }
        else if (app.GrantTypes != grants || app.GrantedScopes != scopes || app.TokenEndpointAuthMethod != AuthMethods.None)
        {
            app.GrantTypes = grants;
            app.GrantedScopes = scopes;
            app.TokenEndpointAuthMethod = AuthMethods.None;
            app.ClientSecretHash = null;
            app.LastUpdated = now;
        }
        else return;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same time made it.
        }
        cache.Forget();
    }
}

/// <summary>Makes sure <see cref="PageApp"/> exists when the server starts (after the schema is up to date).</summary>
internal sealed class PageAppSetup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        await PageApp.EnsureAsync(sp.GetRequiredService<DirectAuthDb>(), sp.GetRequiredService<ApplicationCache>(), sp.GetRequiredService<TimeProvider>(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
