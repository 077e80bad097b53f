using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Phone.PhoneSignIn;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>
/// SMS and voice challenge answers name where the code went (<c>destination</c>, a DirectAuth extension): the
/// country code and the last four digits. A decoy answers the same shape, the same value every time.
/// </summary>
public sealed class PhoneDestinationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("+1555")]
    [InlineData("+4930")]
    public async Task SmsPrimary_Started_DestinationShowsTheCountryCodeAndLastFourDigitsOnly(string prefix)
    {
        var client = await ClientAsync(server);
        var login = $"dest-{Guid.NewGuid():N}"[..24] + "@example.com";
        var userId = await server.CreateUserAsync(login);
        var phone = prefix + RandomNumberGenerator.GetInt32(1_000_000, 10_000_000);
        var factorId = await PhoneSteps.EnrollOkAsync(server, userId, "sms", phone);
        Assert.Equal(200, (await PhoneSteps.ActivateAsync(server, userId, factorId, await PhoneSteps.LatestCodeAsync(server, phone))).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31));

        var (status, started, response) = await StartAsync(server, client.ClientId, login, "sms");

        Assert.Equal(200, status);
        var countryCode = prefix[..(prefix == "+1555" ? 2 : 3)];
        Assert.Equal($"{countryCode} ••• ••• {phone[^4..]}", started.GetProperty("destination").GetString());
        Assert.Equal(["binding_method", "channel", "destination", "expires_in", "interval", "oob_code"], Names(started));
        Assert.DoesNotContain(phone[^7..], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VoiceMfaChallenge_Started_DestinationIsTheMaskedNumberOfTheCallFactor()
    {
        var client = await PhoneMfaSteps.ClientAsync(server);
        var user = await PhoneMfaSteps.SignedInAsync(server, client.ClientId, "dest-voice", "voice");

        var (status, body, _) = await PhoneMfaSteps.ChallengeAsync(server, client.ClientId, user.MfaToken, "voice");

        Assert.Equal(200, status);
        Assert.Equal("prompt", body.GetProperty("binding_method").GetString());
        Assert.Equal($"+1 ••• ••• {user.Phone[^4..]}", body.GetProperty("destination").GetString());
    }

    [Fact]
    public async Task PushPrimary_Started_NoDestination()
    {
        var client = await server.RegisterClientAsync(PhoneSignIn.Grants);
        await Policies.PolicySteps.AssignPolicyAsync(server, client.ClientId, new { primaryFactors = new[] { "password", "oob:push" } });

        var (status, body, _) = await StartAsync(server, client.ClientId, $"nobody-{Guid.NewGuid():N}@example.com", "push");

        Assert.Equal(200, status);
        Assert.Equal("push", body.GetProperty("channel").GetString());
        Assert.False(body.TryGetProperty("destination", out _), body.ToString());
    }

    [Fact]
    public async Task SmsPrimary_UnknownLogin_DecoyDestinationShapedLikeARealOneAndTheSameEveryTime()
    {
        var client = await ClientAsync(server);
        var login = $"nobody-{Guid.NewGuid():N}@example.com";

        var (status, first, _) = await StartAsync(server, client.ClientId, login, "sms");
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var (againStatus, again, _) = await StartAsync(server, client.ClientId, login, "voice");

        Assert.Equal((200, 200), (status, againStatus));
        Assert.Matches(@"^\+1 ••• ••• [0-9]{4}$", first.GetProperty("destination").GetString());
        Assert.Equal(first.GetProperty("destination").GetString(), again.GetProperty("destination").GetString());
        Assert.Equal(["binding_method", "channel", "destination", "expires_in", "interval", "oob_code"], Names(first));
    }

    internal static string[] Names(JsonElement body) => body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>A server whose national numbers are British: decoys get +44, as its real users mostly have.</summary>
public sealed class GbRegionServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Phone:DefaultRegion"] = "GB" };
}

public sealed class PhoneDestinationRegionTests(GbRegionServer server) : IClassFixture<GbRegionServer>
{
    [Fact]
    public async Task SmsPrimary_UnknownLoginWithDefaultRegion_DecoyHasTheRegionsCountryCode()
    {
        var client = await ClientAsync(server);

        var (status, body, _) = await StartAsync(server, client.ClientId, $"nobody-{Guid.NewGuid():N}@example.com", "sms");

        Assert.Equal(200, status);
        Assert.Matches(@"^\+44 ••• ••• [0-9]{4}$", body.GetProperty("destination").GetString());
    }
}

/// <summary>A server told not to name the phone (<c>Phone:ShowDestination=false</c>).</summary>
public sealed class HiddenDestinationServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Phone:ShowDestination"] = "false" };
}

public sealed class PhoneDestinationHiddenTests(HiddenDestinationServer server) : IClassFixture<HiddenDestinationServer>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SmsPrimary_ShowDestinationFalse_NoDestinationForUsersOrDecoys(bool realUser)
    {
        var client = await ClientAsync(server);
        var login = realUser ? (await UserAsync(server, "dest-hidden")).Login : $"nobody-{Guid.NewGuid():N}@example.com";

        var (status, body, _) = await StartAsync(server, client.ClientId, login, "sms");

        Assert.Equal(200, status);
        Assert.Equal(["binding_method", "channel", "expires_in", "interval", "oob_code"], PhoneDestinationTests.Names(body));
    }
}
