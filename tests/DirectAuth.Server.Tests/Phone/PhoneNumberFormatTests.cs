using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>A server that reads numbers without a country code as US numbers (<c>Phone:DefaultRegion</c>).</summary>
public sealed class UsRegionServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Phone:DefaultRegion"] = "US",
    };
}

/// <summary>Factor numbers are parsed with libphonenumber: written as people write them, stored in E.164.</summary>
public sealed class PhoneNumberFormatTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Enroll_ParenthesesAndDashes_StoredInE164()
    {
        var userId = await server.CreateUserAsync("sms-format@example.com");
        var phone = NewPhone();

        var (status, body) = await EnrollAsync(server, userId, "sms", $"+1 ({phone[2..5]}) {phone[5..8]}-{phone[8..]}");

        Assert.Equal(200, status);
        Assert.Equal(phone, body.GetProperty("profile").GetProperty("phoneNumber").GetString());
    }

    [Theory]
    [InlineData("555 123 4567")]       // national: no default region configured
    [InlineData("+1 415 555")]         // too short for North America
    [InlineData("+4477009001234567")]  // too long for the UK
    [InlineData("+1 415 555 2671 ext. 12")]
    public async Task Enroll_NotAnInternationalNumber_RefusedWithTheRule(string number)
    {
        var userId = await server.CreateUserAsync($"sms-bad-{Guid.NewGuid():N}@example.com");

        var (status, body) = await EnrollAsync(server, userId, "sms", number);

        AssertOktaError(status, body, 400, "E0000001");
        Assert.StartsWith("phoneNumber: Must be a phone number in international (E.164) format", Cause(body), StringComparison.Ordinal);
    }
}

/// <summary>With <c>Phone:DefaultRegion</c> a national number is read in that region.</summary>
public sealed class PhoneNumberRegionTests(UsRegionServer server) : IClassFixture<UsRegionServer>
{
    [Fact]
    public async Task Enroll_NationalNumber_ReadInTheDefaultRegion()
    {
        var userId = await server.CreateUserAsync("sms-national@example.com");
        var phone = NewPhone();

        var (status, body) = await EnrollAsync(server, userId, "call", $"({phone[2..5]}) {phone[5..8]}-{phone[8..]}");

        Assert.Equal(200, status);
        Assert.Equal(phone, body.GetProperty("profile").GetProperty("phoneNumber").GetString());
        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
    }

    [Fact]
    public async Task Enroll_NationalNumberTooShort_RuleNamesTheRegion()
    {
        var userId = await server.CreateUserAsync("sms-national-short@example.com");

        var (status, body) = await EnrollAsync(server, userId, "sms", "555 1234");

        AssertOktaError(status, body, 400, "E0000001");
        Assert.Contains("national in US", Cause(body), StringComparison.Ordinal);
    }
}
