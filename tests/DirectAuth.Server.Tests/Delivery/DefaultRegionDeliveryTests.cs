using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>
/// A server whose national numbers are US numbers, which sends only to +1 and at most twice an hour per number
/// prefix: the outbox filter and the pumping defences read numbers as factor numbers are read.
/// </summary>
public sealed class UsOnlyDeliveryServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Phone:DefaultRegion"] = "US",
        ["Delivery:AllowedCountryCodes"] = "1",
        ["Delivery:MaxSendsPerPrefixPerHour"] = "2",
    };
}

public sealed class DefaultRegionDeliveryTests(UsOnlyDeliveryServer server) : IClassFixture<UsOnlyDeliveryServer>
{
    [Fact]
    public async Task Outbox_NationalNumberWithDefaultRegion_FindsWhatWasSentToItsE164Form()
    {
        var phone = NewPhone();
        await EnrollOkAsync(server, await server.CreateUserAsync("outbox-national@example.com"), "sms", phone);

        var messages = await OutboxAsync(server, $"({phone[2..5]}) {phone[5..8]}-{phone[8..]}");

        Assert.Equal(phone, Assert.Single(messages.EnumerateArray()).GetProperty("to").GetString());
    }

    [Fact]
    public async Task Outbox_NationalNumberTooShort_400AndTheRuleNamesTheRegion()
    {
        using var admin = server.Admin();

        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync("/api/v1/outbox?phone=555%201234"));

        AssertOktaError(status, body, 400, "E0000001");
        Assert.Equal("phone: Must be a phone number: international (E.164, +14155552671) or national in US", Cause(body));
    }

    [Fact]
    public async Task Enroll_NationalNumberInTheOnlyAllowedCountry_SentWhileAnotherCountryIsRefused()
    {
        var phone = NewPhone();
        var (sent, sentBody) = await EnrollAsync(server, await server.CreateUserAsync("us-only-ok@example.com"), "sms", $"{phone[2..5]} {phone[5..8]} {phone[8..]}");
        var (refused, refusedBody) = await EnrollAsync(server, await server.CreateUserAsync("us-only-gb@example.com"), "sms", "+447700900123");

        Assert.True(sent == 200, $"{sent} {sentBody}");
        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
        AssertOktaError(refused, refusedBody, 503, "E0000139");
        Assert.Equal(0, (await OutboxAsync(server, "+447700900123")).GetArrayLength());
        Assert.Contains("COUNTRY_NOT_ALLOWED", await Pumping.RefusalReasonsAsync(server));
    }

    [Fact]
    public async Task Sends_OnePrefixWrittenNationallyAndInternationally_CountedTogether()
    {
        var area = "555" + Random.Shared.Next(100, 1000);   // +1 and six digits: the default seven-digit prefix
        string[] written = [$"({area[..3]}) {area[3..]}-1000", $"+1 {area[..3]} {area[3..]} 1001", $"{area[..3]}-{area[3..]}-1002"];

        var answers = new List<(int Status, System.Text.Json.JsonElement Body)>();
        foreach (var number in written)
            answers.Add(await EnrollAsync(server, await server.CreateUserAsync($"prefix-{Guid.NewGuid():N}"[..24] + "@example.com"), "sms", number));

        Assert.Equal([200, 200], answers.Take(2).Select(a => a.Status));
        AssertOktaError(answers[2].Status, answers[2].Body, 503, "E0000139");
        Assert.Equal(0, (await OutboxAsync(server, $"+1{area}1002")).GetArrayLength());
        Assert.Contains("PREFIX_HOURLY_CAP", await Pumping.RefusalReasonsAsync(server));
    }
}
