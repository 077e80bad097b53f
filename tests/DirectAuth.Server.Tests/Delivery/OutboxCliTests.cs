using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>The server on a real loopback port, for tests that run the <c>directauth</c> command against it.</summary>
public sealed class KestrelServer : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestServerFactory Factory { get; private set; } = null!;
    public string Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        Factory = new TestServerFactory(_database, new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        Factory.UseKestrel();
        Factory.StartServer();
        Url = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    public HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        return client;
    }
}

/// <summary><c>directauth admin outbox</c>, run as a process against a running server.</summary>
public sealed class OutboxCliTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    [Fact]
    public async Task AdminOutbox_CodeFlag_PrintsTheNewestCodeOnly()
    {
        var phone = Phone.PhoneSteps.NewPhone();
        await EnrollAsync("cli-code@example.com", phone);
        var code = await CodeFromApiAsync(phone);

        var (exit, output, errors) = await RunAsync("admin", "outbox", "--phone", phone, "--code");

        Assert.True(exit == 0, errors);
        Assert.Equal(code + "\n", output);
    }

    [Fact]
    public async Task AdminOutbox_Table_ShowsChannelNumberCodeAndPurpose()
    {
        var phone = Phone.PhoneSteps.NewPhone();
        await EnrollAsync("cli-list@example.com", phone, "call");
        var code = await CodeFromApiAsync(phone);

        var (exit, output, errors) = await RunAsync("admin", "outbox", "--phone", phone);

        Assert.True(exit == 0, errors);
        var row = Assert.Single(output.Split('\n'), l => l.Contains(phone, StringComparison.Ordinal));
        Assert.Matches($@"│ voice +│ {Regex.Escape(phone)} +│ {code} +│ enrollment +│ Hello, this is", row);
    }

    [Fact]
    public async Task AdminOutbox_Json_TheApisAnswer()
    {
        var phone = Phone.PhoneSteps.NewPhone();
        await EnrollAsync("cli-json@example.com", phone);
        var code = await CodeFromApiAsync(phone);

        var (exit, output, errors) = await RunAsync("admin", "outbox", "--phone", phone, "--json");

        Assert.True(exit == 0, errors);
        var message = Assert.Single(JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal((code, "sms", phone), (message["code"]!.GetValue<string>(), message["channel"]!.GetValue<string>(), message["to"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AdminOutbox_MalformedPhone_ExitOneWithTheServersReason()
    {
        var (exit, output, errors) = await RunAsync("admin", "outbox", "--phone", "555-1234", "--code");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("Error: Api validation failed: phone — phone: Must be a phone number in international (E.164) format", errors, StringComparison.Ordinal);
        Assert.EndsWith("(E0000001, HTTP 400)\n", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminOutbox_NoMessageForThatPhone_ExitOne()
    {
        var (exit, _, errors) = await RunAsync("admin", "outbox", "--phone", "+15550009999", "--code");

        Assert.Equal(1, exit);
        Assert.Equal("Error: No message to +15550009999 in the outbox.\n", errors);
    }

    [Fact]
    public async Task AdminOutbox_WrongToken_ExitOne()
    {
        var (exit, _, errors) = await RunAsync(["admin", "outbox", "--code"], token: "wrong-token-0123456789");

        Assert.Equal(1, exit);
        Assert.Contains("HTTP 401", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminOutbox_ServerDown_ExitTwo()
    {
        var (exit, _, errors) = await RunAsync(["admin", "outbox", "--server", "http://127.0.0.1:9", "--code"], TestServerFactory.AdminToken);

        Assert.Equal(2, exit);
        Assert.StartsWith("Error: Cannot reach the DirectAuth server at http://127.0.0.1:9", errors, StringComparison.Ordinal);
    }

    private async Task EnrollAsync(string login, string phone, string factorType = "sms")
    {
        using var admin = server.Admin();
        var user = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login, firstName = "Cli", lastName = "User" },
            credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        var userId = JsonNode.Parse(await user.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var factor = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType, provider = "OKTA", profile = new { phoneNumber = phone } });
        Assert.Equal(200, (int)factor.StatusCode);
    }

    private async Task<string> CodeFromApiAsync(string phone)
    {
        using var admin = server.Admin();
        var messages = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/outbox?phone={Uri.EscapeDataString(phone)}"))!.AsArray();
        return Assert.Single(messages)!["code"]!.GetValue<string>();
    }

    private Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => RunAsync(args, TestServerFactory.AdminToken);

    private async Task<(int Exit, string Output, string Errors)> RunAsync(string[] args, string token)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "directauth.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DIRECTAUTH_URL"] = server.Url;
        start.Environment["DIRECTAUTH_ADMIN_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await errors);
    }
}
