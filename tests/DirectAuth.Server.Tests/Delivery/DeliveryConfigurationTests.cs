using DirectAuth.Server.Hosting;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>A delivery or phone setting that cannot work stops the server at start, naming the setting.</summary>
public sealed class DeliveryConfigurationTests
{
    [Theory]
    [InlineData("Delivery:Provider=carrier-pigeon", "Delivery:Provider must be outbox, webhook or twilio (was 'carrier-pigeon').")]
    [InlineData("Delivery:Provider=webhook", "Delivery:Webhook:Url must be an absolute http(s) URL.", "Delivery:Webhook:Secret must be at least 32 characters.")]
    [InlineData("Delivery:Provider=twilio", "Delivery:Twilio:AccountSid is required.", "Delivery:Twilio:AuthToken is required.",
        "Delivery:Twilio:From (the Twilio number calls and texts come from) is required.")]
    [InlineData("Phone:MaxAttempts=0", "Phone:MaxAttempts must be between 1 and 10.")]
    public async Task Start_UnusableSetting_RefusedWithTheReasons(string setting, params string[] problems)
    {
        await using var database = await TestDatabase.CreateAsync();
        var (key, value) = (setting.Split('=')[0], setting.Split('=')[1]);
        await using var factory = new TestServerFactory(database, new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<StartupFailedException>(() => factory.CreateClient());

        Assert.Equal(problems.Order(), error.Problems.Order());
        Assert.Equal(StartupFailedException.ConfigurationExitCode, error.ExitCode);
    }
}
