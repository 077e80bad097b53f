using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.ApiReference;
using DirectAuth.Server.Phone;
using DirectAuth.Server.Endpoints;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Health;
using DirectAuth.Server.Hosting;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Throttling;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.PushProviders;
using DirectAuth.Server.MyAccount;
using DirectAuth.Server.MyAccountPage;
using Microsoft.Extensions.Options;

StartupFailedException.ExitCleanlyWhenUnhandled();
var demo = args.Contains("--demo");
if (demo) DemoSetup.ConfiguredPassword(); // a demo password the rules refuse stops the start before anything listens
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
builder.Configuration.AddEnvironmentVariables("DIRECTAUTH_");
DirectAuth.Server.Observability.EscapingLoggerFactory.Install(builder.Services); // log injection: control characters escaped in every log line
DirectAuth.Server.Observability.ConsoleLogFormat.AddConsoleLogFormat(builder.Services); // one line per event, or JSON
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    // A hard stop above Limits:MaxRequestBodyBytes, which the endpoints enforce with the contract's error.
    k.Limits.MaxRequestBodySize = Math.Max(1024 * 1024, builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", 0L));
});

builder.Services.Configure<DirectAuthOptions>(builder.Configuration);
builder.Services.PostConfigure<DirectAuthOptions>(o =>
{
    // DIRECTAUTH_ADMIN_TOKEN, the documented short form of DIRECTAUTH_ADMIN__TOKEN.
    if (string.IsNullOrEmpty(o.Admin.Token)) o.Admin.Token = builder.Configuration["ADMIN_TOKEN"];
});
builder.Services.AddDirectAuthCore();
builder.Services.AddDirectAuthRateLimits();
builder.Services.AddManagementOpenApi();
builder.Services.AddMyAccountOpenApi();
builder.Services.AddDirectAuthMfa();
builder.Services.AddOutOfBand();
builder.Services.AddOutOfBandGrants();
builder.Services.AddPushProviders(); // APNs and FCM wake-ups for phones (Push:*)
builder.Services.AddPhoneFactors();
builder.Services.AddPasskeys();
builder.Services.AddPasskeyGrants();
builder.Services.AddMyAccount();
builder.Services.AddMyAccountPage();
builder.Services.AddAdminConsole();
builder.Services.AddDirectAuthHealth();
builder.Services.AddDirectAuthTelemetry(builder.Configuration); // metrics (/metrics, OTLP) and traces (OTLP)
var behindProxy = ProxySetup.Configure(builder.Services, builder.Configuration);

var app = builder.Build();
var options = app.Services.GetRequiredService<IOptions<DirectAuthOptions>>().Value;

var problems = OptionsValidation.Problems(options).ToList();
if (problems.Count > 0) throw new StartupFailedException(problems);
try
{
    // Every section validated on start (OutOfBand, RateLimits, Mfa, Delivery, ...), before the database is touched.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException e)
{
    throw new StartupFailedException(e.Failures, StartupFailedException.ConfigurationExitCode, e);
}

try
{
    using var scope = app.Services.CreateScope();
    await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
}
catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
{
    throw new StartupFailedException([$"The database cannot be opened or upgraded: {e.GetBaseException().Message}"], StartupFailedException.StorageExitCode, e);
}

if (behindProxy) app.UseForwardedHeaders(); // first: the address and scheme every later part sees
app.MapDirectAuthMetrics(); // before the rate limits: a scrape is not a client
app.UseMiddleware<WireConventionsMiddleware>();
app.UseDirectAuthRateLimits();

app.MapDiscoveryEndpoints();
app.MapTokenEndpoint();
app.MapKeysEndpoint();
app.MapUserinfoEndpoint();
app.MapIntrospectEndpoint();
app.MapRevokeEndpoint();
app.MapAuthorizeEndpoint();
app.MapOutOfBand();
app.MapPasskeys();
app.MapMyAccountPage();
app.MapAdminConsole();
app.MapDirectAuthHealth();

var admin = app.MapGroup("/api/v1").AddEndpointFilter<AdminAuthentication>();
admin.MapUsersApi();
admin.MapFactorsApi();
admin.MapFactorVerifyApi();
admin.MapAuthorizationServersApi();
admin.MapLogsApi();
app.MapDirectAuthMfa(admin);
admin.MapPhoneApis();
app.MapMyAccount(admin);
app.MapGroup("/oauth2/v1/clients").AddEndpointFilter<AdminAuthentication>().MapClientRegistration();
app.MapManagementOpenApi();
if (ApiReferenceSetup.Enabled(app.Configuration, app.Environment, demo)) app.MapApiReference();

if (string.IsNullOrEmpty(options.Admin.Token))
    app.Logger.LogWarning("No admin token configured (DIRECTAUTH_ADMIN_TOKEN): the management API refuses every request.");

try
{
    await app.StartAsync();
}
catch (OptionsValidationException e)
{
    throw new StartupFailedException(e.Failures, StartupFailedException.ConfigurationExitCode, e);
}
catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Kestrel: "Failed to bind to address http://127.0.0.1:5080: address already in use."
    throw new StartupFailedException([$"{e.Message} Stop the other process or choose another address with --urls."], StartupFailedException.ListenExitCode, e);
}
if (demo)
{
    var baseUrl = options.PublicUrl?.TrimEnd('/') ?? app.Urls.First().Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
    await DemoSetup.RunAsync(app.Services, baseUrl, Console.Out, CancellationToken.None);
    await ConsoleDemo.RunAsync(app.Services, baseUrl, Console.Out, CancellationToken.None);
}
await app.WaitForShutdownAsync();

public partial class Program;
