using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>The management API steps of phone factor tests: enroll, activate, resend, read the outbox.</summary>
public static class PhoneSteps
{
    /// <summary>A fresh number per test, so the per-phone limits of one test do not touch another.</summary>
    public static string NewPhone() => "+1555" + RandomNumberGenerator.GetInt32(1_000_000, 10_000_000);

    public static async Task<(int Status, JsonElement Body)> EnrollAsync(ServerFixture server, string userId, string factorType, string phone)
    {
        using var admin = server.Admin();
        return await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType, provider = "OKTA", profile = new { phoneNumber = phone } }));
    }

    /// <summary>Enrolls and checks it worked; returns the factor id.</summary>
    public static async Task<string> EnrollOkAsync(ServerFixture server, string userId, string factorType, string phone)
    {
        var (status, body) = await EnrollAsync(server, userId, factorType, phone);
        Assert.True(status == 200, $"enroll {factorType} {phone}: {status} {body}");
        return body.GetProperty("id").GetString()!;
    }

    public static async Task<(int Status, JsonElement Body)> ActivateAsync(ServerFixture server, string userId, string factorId, string passCode)
    {
        using var admin = server.Admin();
        return await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new { passCode }));
    }

    public static async Task<HttpResponseMessage> ResendAsync(ServerFixture server, string userId, string factorId)
    {
        using var admin = server.Admin();
        return await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/resend", new { factorType = "sms", provider = "OKTA" });
    }

    public static async Task<JsonElement> OutboxAsync(ServerFixture server, string phone, int limit = 20)
    {
        using var admin = server.Admin();
        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/outbox?phone={Uri.EscapeDataString(phone)}&limit={limit}"));
        Assert.Equal(200, status);
        return body;
    }

    /// <summary>The code in the newest message to <paramref name="phone"/>: what the user reads on the phone.</summary>
    public static async Task<string> LatestCodeAsync(ServerFixture server, string phone)
    {
        var messages = await OutboxAsync(server, phone, 1);
        Assert.Equal(1, messages.GetArrayLength());
        return messages[0].GetProperty("code").GetString()!;
    }

    public static string WrongCode(string right) => right == "000000" ? "111111" : "000000";

    /// <summary>System log events of one type, newest first (read from the database: no log API yet).</summary>
    public static async Task<List<AuditEvent>> AuditAsync(ServerFixture server, string eventType)
    {
        using var scope = server.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var events = await db.Set<AuditEvent>().AsNoTracking().Where(e => e.EventType == eventType).ToListAsync();
        return events.OrderByDescending(e => e.Published).ThenByDescending(e => e.Id).ToList();
    }

    public static void AssertOktaError(int status, JsonElement body, int expectedStatus, string errorCode)
    {
        Assert.True(status == expectedStatus, $"expected {expectedStatus} {errorCode}, got {status} {body}");
        Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
    }

    public static string Cause(JsonElement body) => body.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString()!;
}

/// <summary>Sign-in steps with a phone factor: an app allowed to use it, a user with it active, and the OAuth calls.</summary>
public static class PhoneSignIn
{
    public static readonly string[] Grants = ["password", "refresh_token", Protocol.GrantTypes.Oob];

    /// <summary>An app with the OOB grant whose policy accepts SMS and voice as the primary factor.</summary>
    public static async Task<RegisteredClient> ClientAsync(ServerFixture server)
    {
        var client = await server.RegisterClientAsync(Grants);
        await Policies.PolicySteps.AssignPolicyAsync(server, client.ClientId, new { primaryFactors = new[] { "password", "oob:sms", "oob:voice" } });
        return client;
    }

    /// <summary>A user with an ACTIVE phone factor (enrolled with the code from the outbox); the resend interval has passed.</summary>
    public static async Task<(string UserId, string Login, string Phone)> UserAsync(ServerFixture server, string name, string factorType = "sms")
    {
        var login = $"{name}-{Guid.NewGuid():N}"[..32] + "@example.com";
        var userId = await server.CreateUserAsync(login);
        var phone = PhoneSteps.NewPhone();
        var factorId = await PhoneSteps.EnrollOkAsync(server, userId, factorType, phone);
        var (status, body) = await PhoneSteps.ActivateAsync(server, userId, factorId, await PhoneSteps.LatestCodeAsync(server, phone));
        Assert.True(status == 200, $"activate: {status} {body}");
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        return (userId, login, phone);
    }

    public static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> StartAsync(
        ServerFixture server, string clientId, string login, string channel, string path = "primary-authenticate")
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("login_hint", login), ("channel_hint", channel) };
        if (path == "primary-authenticate") form.Add(("challenge_hint", Protocol.GrantTypes.Oob));
        var response = await server.PostFormAsync($"/oauth2/default/v1/{path}", [.. form]);
        var (status, body) = await ServerFixture.ReadAsync(response);
        return (status, body, response);
    }

    public static async Task<(int Status, JsonElement Body)> TokenAsync(ServerFixture server, string clientId, string oobCode, string? bindingCode)
    {
        var form = new List<(string, string)>
        {
            ("grant_type", Protocol.GrantTypes.Oob), ("client_id", clientId), ("oob_code", oobCode), ("scope", "openid profile"),
        };
        if (bindingCode is not null) form.Add(("binding_code", bindingCode));
        return await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token", [.. form]));
    }

    /// <summary>All outbox messages (any phone), for checking that nothing was sent.</summary>
    public static async Task<int> OutboxCountAsync(ServerFixture server)
    {
        using var admin = server.Admin();
        var (_, body) = await ServerFixture.ReadAsync(await admin.GetAsync("/api/v1/outbox?limit=100"));
        return body.GetArrayLength();
    }

    public const string WrongCodeDescription = "The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.";

    public static string ExpiredDescription(string oobCode) => $"'{oobCode}' has expired. Use a new 'oob_code' and try again.";
}
