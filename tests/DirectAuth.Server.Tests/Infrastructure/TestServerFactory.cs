using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DirectAuth.Server.Tests.Infrastructure;

/// <summary>
/// The real server (its Program, middleware and storage) on a fresh database of the provider under test,
/// with a clock the test controls. Extra settings override the defaults, as environment variables would.
/// </summary>
public sealed class TestServerFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminToken = "test-admin-token-0123456789abcdef";

    public TestClock Clock { get; } = new();

    public TestDatabase Database => database;

    /// <summary>Services a fixture replaces before the server starts (e.g. the HTTP handler that trusts a fake's test certificate).</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    public static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Provider", TestDatabase.Provider);
        builder.UseSetting("Storage:ConnectionString", database.ConnectionString);
        builder.UseSetting("Storage:DataDirectory", database.DataDirectory);
        builder.UseSetting("Security:MasterKey", MasterKey);
        builder.UseSetting("Admin:Token", AdminToken);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The clock stands still in tests, so the per-username bucket (4 a second) would never refill: tests of
        // that limit set it themselves (Endpoints/UsernameRateLimitTests.cs).
        builder.UseSetting("RateLimits:Username:Limit", "1000000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            TestServices?.Invoke(services);
        });
    }
}
