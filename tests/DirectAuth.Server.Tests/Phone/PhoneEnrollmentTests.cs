using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>Enrolling <c>sms</c> and <c>call</c> factors over the Factors API, with the outbox as the phone.</summary>
public sealed class PhoneEnrollmentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task EnrollSms_ValidNumber_PendingFactorAndCodeInOutbox()
    {
        var userId = await server.CreateUserAsync("sms-enroll@example.com");
        var phone = NewPhone();

        var (status, body) = await EnrollAsync(server, userId, "sms", phone[..2] + "-" + phone[2..5] + " " + phone[5..]);

        Assert.Equal(200, status);
        Assert.StartsWith("mbl", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("sms", body.GetProperty("factorType").GetString());
        Assert.Equal("OKTA", body.GetProperty("provider").GetString());
        Assert.Equal("PENDING_ACTIVATION", body.GetProperty("status").GetString());
        Assert.Equal(phone, body.GetProperty("profile").GetProperty("phoneNumber").GetString());
        var links = body.GetProperty("_links");
        Assert.EndsWith("/lifecycle/activate", links.GetProperty("activate").GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/resend", links.GetProperty("resend")[0].GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("sms", links.GetProperty("resend")[0].GetProperty("name").GetString());

        var outbox = await OutboxAsync(server, phone);
        Assert.Equal(1, outbox.GetArrayLength());
        var message = outbox[0];
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal("enrollment", message.GetProperty("purpose").GetString());
        Assert.Equal(userId, message.GetProperty("userId").GetString());
        var code = message.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Contains(code, message.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivateSms_CodeFromThePhone_FactorActive()
    {
        var userId = await server.CreateUserAsync("sms-activate@example.com");
        var phone = NewPhone();
        var factorId = await EnrollOkAsync(server, userId, "sms", phone);

        var (status, body) = await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone));

        Assert.Equal(200, status);
        Assert.Equal("ACTIVE", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("_links").TryGetProperty("resend", out _));
        var (againStatus, again) = await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone));
        AssertOktaError(againStatus, again, 400, "E0000001");
        var activated = await AuditAsync(server, "user.mfa.factor.activate");
        Assert.Contains(activated, e => e.TargetId == userId && e.Outcome == "SUCCESS");
    }

    [Fact]
    public async Task EnrollCall_ValidNumber_VoiceMessageReadsTheDigitsAndActivates()
    {
        var userId = await server.CreateUserAsync("call-enroll@example.com");
        var phone = NewPhone();

        var (status, body) = await EnrollAsync(server, userId, "call", phone);

        Assert.Equal(200, status);
        Assert.StartsWith("clf", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("call", body.GetProperty("factorType").GetString());
        var message = (await OutboxAsync(server, phone))[0];
        Assert.Equal("voice", message.GetProperty("channel").GetString());
        var code = message.GetProperty("code").GetString()!;
        Assert.Contains(string.Join(", ", code.ToCharArray()), message.GetProperty("text").GetString(), StringComparison.Ordinal);
        var (activated, factor) = await ActivateAsync(server, userId, body.GetProperty("id").GetString()!, code);
        Assert.Equal(200, activated);
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("5551234567")]
    [InlineData("+0123456789")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+1555abc1234")]
    [InlineData("+1 555 123 4567 ext 2")]
    [InlineData("")]
    [InlineData("++15551234567")]
    public async Task EnrollSms_MalformedNumber_400AndNothingSent(string phone)
    {
        var userId = await server.CreateUserAsync("bad-phone-" + Guid.NewGuid().ToString("N")[..8] + "@example.com");

        var (status, body) = await EnrollAsync(server, userId, "sms", phone);

        AssertOktaError(status, body, 400, "E0000001");
        Assert.Contains("E.164", Cause(body), StringComparison.Ordinal);
        Assert.Empty(await FactorsAsync(userId));
    }

    [Theory]
    [InlineData("""{"factorType":"sms","provider":"OKTA"}""", "E0000001")]
    [InlineData("""{"factorType":"sms","provider":"OKTA","profile":{"phoneNumber":15551234567}}""", "E0000001")]
    [InlineData("""{"factorType":"sms","provider":"OKTA","profile":"+15551234567"}""", "E0000001")]
    [InlineData("""{"factorType":"sms","provider":"GOOGLE","profile":{"phoneNumber":"+15551234567"}}""", "E0000001")]
    [InlineData("""{"factorType":"call","provider":7,"profile":{"phoneNumber":"+15551234567"}}""", "E0000001")]
    [InlineData("""{"factorType":"sms","profile":{"phoneNumber":"+1555""", "E0000003")]
    public async Task EnrollPhone_MalformedBody_400AndNothingCreated(string json, string errorCode)
    {
        var userId = await server.CreateUserAsync("bad-body-" + Guid.NewGuid().ToString("N")[..8] + "@example.com");
        using var admin = server.Admin();

        var (status, body) = await ServerFixture.ReadAsync(await admin.PostAsync($"/api/v1/users/{userId}/factors",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")));

        AssertOktaError(status, body, 400, errorCode);
        Assert.Empty(await FactorsAsync(userId));
    }

    [Fact]
    public async Task EnrollSms_UnknownUser_404()
    {
        var (status, body) = await EnrollAsync(server, "00uDoesNotExist12345", "sms", NewPhone());

        AssertOktaError(status, body, 404, "E0000007");
    }

    [Fact]
    public async Task EnrollSms_ActiveSmsFactorExists_400()
    {
        var userId = await server.CreateUserAsync("sms-twice@example.com");
        var phone = NewPhone();
        var factorId = await EnrollOkAsync(server, userId, "sms", phone);
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone))).Status);

        var (status, body) = await EnrollAsync(server, userId, "sms", NewPhone());

        AssertOktaError(status, body, 400, "E0000001");
        var factors = await FactorsAsync(userId);
        Assert.Equal(factorId, Assert.Single(factors).Id);
    }

    [Fact]
    public async Task EnrollSms_PendingFactorExists_ReplacedByTheNewNumber()
    {
        var userId = await server.CreateUserAsync("sms-typo@example.com");
        var first = await EnrollOkAsync(server, userId, "sms", NewPhone());
        var corrected = NewPhone();

        var second = await EnrollOkAsync(server, userId, "sms", corrected);

        var factor = Assert.Single(await FactorsAsync(userId));
        Assert.Equal(second, factor.Id);
        Assert.NotEqual(first, second);
        Assert.Equal(200, (await ActivateAsync(server, userId, second, await LatestCodeAsync(server, corrected))).Status);
    }

    [Fact]
    public async Task ActivationCode_AtRest_KeyedHashNotTheCodeNorItsSha256()
    {
        var userId = await server.CreateUserAsync("sms-at-rest@example.com");
        var phone = NewPhone();
        var factorId = await EnrollOkAsync(server, userId, "sms", phone);
        var code = await LatestCodeAsync(server, phone);

        var factor = Assert.Single(await FactorsAsync(userId));

        Assert.Equal(factorId, factor.Id);
        Assert.NotNull(factor.ActivationHash);
        Assert.Equal(32, factor.ActivationHash!.Length);
        Assert.NotEqual(Security.Secrets.Hash(code), factor.ActivationHash);
        Assert.DoesNotContain(code, factor.Profile ?? "", StringComparison.Ordinal);
        using var scope = server.Factory.Services.CreateScope();
        var events = await scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Set<Observability.AuditEvent>().AsNoTracking().ToListAsync();
        Assert.DoesNotContain(events, e => (e.Details ?? "").Contains(code, StringComparison.Ordinal) || e.DisplayMessage.Contains(code, StringComparison.Ordinal)
            || (e.Reason ?? "").Contains(code, StringComparison.Ordinal));
        Assert.Contains(events, e => e.EventType == "system.sms.send_phone_verification_message" && e.TargetId == factorId && e.Outcome == "SUCCESS");
    }

    [Fact]
    public async Task ListFactors_PhoneFactor_ShowsNumberNeverTheCode()
    {
        var userId = await server.CreateUserAsync("sms-list@example.com");
        var phone = NewPhone();
        await EnrollOkAsync(server, userId, "call", phone);
        var code = await LatestCodeAsync(server, phone);
        using var admin = server.Admin();

        var response = await admin.GetAsync($"/api/v1/users/{userId}/factors");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        var factor = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(phone, factor.GetProperty("profile").GetProperty("phoneNumber").GetString());
        Assert.DoesNotContain(code, text, StringComparison.Ordinal);
    }

    private async Task<List<Factor>> FactorsAsync(string userId)
    {
        using var scope = server.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Set<Factor>().AsNoTracking().Where(f => f.UserId == userId).ToListAsync();
    }
}
