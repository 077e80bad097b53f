using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>A server whose delivery provider talks to a <see cref="FakeGateway"/> started first.</summary>
public abstract class GatewayServerFixture : ServerFixture, IAsyncLifetime
{
    /// <summary>Generous, so a loaded test machine never times out by accident; timeout tests make the gateway slower still.</summary>
    public const int TimeoutMilliseconds = 4000;

    public FakeGateway Gateway { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => ProviderSettings(Gateway.BaseUrl);

    protected abstract IReadOnlyDictionary<string, string?> ProviderSettings(string gatewayUrl);

    async Task IAsyncLifetime.InitializeAsync()
    {
        Gateway = await FakeGateway.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Gateway.DisposeAsync();
    }
}

/// <summary>The webhook provider against the fake gateway: short timeout and retry delay so failures are quick.</summary>
public sealed class WebhookServer : GatewayServerFixture
{
    public const string Secret = "test-webhook-secret-0123456789abcdef";
    public const string Path = "/hooks/phone";

    protected override IReadOnlyDictionary<string, string?> ProviderSettings(string gatewayUrl) => new Dictionary<string, string?>
    {
        ["Delivery:Provider"] = "webhook",
        ["Delivery:Webhook:Url"] = gatewayUrl + Path,
        ["Delivery:Webhook:Secret"] = Secret,
        ["Delivery:Webhook:TimeoutMilliseconds"] = TimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Delivery:Webhook:MaxAttempts"] = "3",
        ["Delivery:Webhook:RetryDelayMilliseconds"] = "10",
    };
}

/// <summary>The Twilio provider against the fake Twilio API (under a path, to check the base URL is kept whole).</summary>
public class TwilioServer : GatewayServerFixture
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "twilio-test-auth-token-4f2a";
    public const string From = "+15005550006";

    protected override IReadOnlyDictionary<string, string?> ProviderSettings(string gatewayUrl) => new Dictionary<string, string?>
    {
        ["Delivery:Provider"] = "twilio",
        ["Delivery:SenderName"] = "Acme <Login> & Co",
        ["Delivery:Twilio:BaseUrl"] = gatewayUrl + "/twilio/",
        ["Delivery:Twilio:AccountSid"] = AccountSid,
        ["Delivery:Twilio:AuthToken"] = AuthToken,
        ["Delivery:Twilio:From"] = From,
        ["Delivery:Twilio:MessagingServiceSid"] = MessagingServiceSid,
        ["Delivery:Twilio:TimeoutMilliseconds"] = TimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Delivery:Twilio:MaxAttempts"] = "2",
        ["Delivery:Twilio:RetryDelayMilliseconds"] = "10",
    };

    protected virtual string? MessagingServiceSid => null;
}

public sealed class TwilioMessagingServiceServer : TwilioServer
{
    public const string ServiceSid = "MG0123456789abcdef0123456789abcdef";

    protected override string? MessagingServiceSid => ServiceSid;
}
