using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The web page the browser tests run WebAuthn from: a real Kestrel server on 127.0.0.1 with two free ports,
/// addressed as <c>http://localhost:PORT</c> (a secure context, so WebAuthn works, with RP id <c>localhost</c>).
/// <see cref="Origin"/> is the one a server under test allows; <see cref="OtherOrigin"/> is a second origin
/// for the same RP id that it does not. One site serves the whole test run; it stops when the process exits.
/// </summary>
public sealed class HarnessSite
{
    private static readonly Lazy<HarnessSite> Instance = new(() => Task.Run(StartAsync).GetAwaiter().GetResult(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static HarnessSite Current => Instance.Value;

    /// <summary>The page's origin a server under test lists in <c>Passkeys:Origins</c>.</summary>
    public string Origin { get; }

    /// <summary>Another origin of the same site (another port), valid for RP id <c>localhost</c>.</summary>
    public string OtherOrigin { get; }

    private HarnessSite(string origin, string otherOrigin)
    {
        Origin = origin;
        OtherOrigin = otherOrigin;
    }

    private static async Task<HarnessSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(HarnessPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/favicon.ico", () => Results.NoContent());
        await app.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().Wait(TimeSpan.FromSeconds(5));
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).Order().ToArray();
        return new HarnessSite($"http://localhost:{ports[0]}", $"http://localhost:{ports[1]}");
    }
}
