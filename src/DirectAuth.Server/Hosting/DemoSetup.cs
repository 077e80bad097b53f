using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Hosting;

/// <summary>
/// <c>--demo</c>: makes sure a public native app <c>demo-app</c> and a user <c>demo@example.com</c> exist,
/// gives the user the password in <c>DIRECTAUTH_DEMO_PASSWORD</c> (checked like any new password) or else a
/// fresh random one, and prints how to sign in with curl.
/// </summary>
public static class DemoSetup
{
    public const string ClientId = "demo-app";
    public const string Login = "demo@example.com";
    public const string PasswordVariable = "DIRECTAUTH_DEMO_PASSWORD";

    /// <summary>The demo password from <see cref="PasswordVariable"/>; a start with one the password rules refuse fails.</summary>
    public static string? ConfiguredPassword()
    {
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password)) return null;
        if (PasswordRules.Check(password, Login) is { } problem)
            throw new StartupFailedException([$"{PasswordVariable}: {problem}"]);
        return password;
    }

    public static async Task RunAsync(IServiceProvider services, string baseUrl, TextWriter output, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var hashing = scope.ServiceProvider.GetRequiredService<PasswordHashing>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();

        if (!await db.Set<Application>().AnyAsync(a => a.ClientId == ClientId, ct))
            db.Add(new Application
            {
                ClientId = ClientId, Name = "Demo native app", ApplicationType = "native", TokenEndpointAuthMethod = AuthMethods.None,
                GrantTypes = string.Join(' ', DemoGrantTypes(scope.ServiceProvider)), Created = now, LastUpdated = now,
            });

        var configured = ConfiguredPassword();
        var password = configured ?? Secrets.NewHandle(12);
        var user = await db.Set<User>().FirstOrDefaultAsync(u => u.NormalizedLogin == User.Normalize(Login), ct);
        if (user is null)
        {
            user = new User
            {
                Id = Secrets.NewId("00u"), Login = Login, NormalizedLogin = User.Normalize(Login), Email = Login,
                FirstName = "Demo", LastName = "User", Status = UserStatus.Active, Created = now, LastUpdated = now, Activated = now, StatusChanged = now,
            };
            db.Add(user);
        }
        user.PasswordHash = hashing.Hash(password);
        user.PasswordChanged = now;
        await db.SaveChangesAsync(ct);
        await scope.ServiceProvider.GetRequiredService<LockoutService>().ResetAsync(Login, ct);

        output.WriteLine($"""

            Demo ready: public app '{ClientId}', user '{Login}' with password '{password}' ({(configured is null ? "new on every --demo start" : "from " + PasswordVariable)}).
            Sign in with the password grant:

              curl -s {baseUrl}/oauth2/default/v1/token \
                -d grant_type=password -d client_id={ClientId} \
                -d username={Login} --data-urlencode 'password={password}' \
                -d 'scope=openid profile email offline_access'

            Discovery: {baseUrl}/oauth2/default/.well-known/openid-configuration
            My Account page (the user manages their factors): {baseUrl}/myaccount{ApiReferenceLine(scope.ServiceProvider, baseUrl)}

            """);
    }

    private static string ApiReferenceLine(IServiceProvider services, string baseUrl) =>
        ApiReference.ApiReferenceSetup.Enabled(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>(), demo: true)
            ? $"{Environment.NewLine}API reference: {baseUrl}{ApiReference.ApiReferenceSetup.Path}/" : "";

    private static IEnumerable<string> DemoGrantTypes(IServiceProvider services) =>
        services.GetServices<Grants.ITokenGrant>().Select(g => g.GrantType).Where(g => g != GrantTypes.ClientCredentials);
}
