using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Phone (SMS and voice) set-up and the user's phone, through the server's public surfaces only (the server
/// tests' <see cref="PhoneSteps"/>): the management API enrolls and activates the factor, and the outbox API
/// (<c>GET /api/v1/outbox</c>) is what the phone received.
/// </summary>
public static class PhoneKit
{
    /// <summary>The grants an app needs for phone codes as the primary and as the second factor.</summary>
    public static readonly string[] Grants = ["password", "refresh_token", GrantTypes.Oob, GrantTypes.MfaOob];

    /// <summary>A user with an active phone factor on <see cref="Phone"/>.</summary>
    public sealed record PhoneUser(string UserId, string Login, string Phone);

    /// <summary>
    /// Creates a user and enrolls <paramref name="factorType"/> (<c>sms</c> or <c>call</c>) on a fresh number, activated
    /// with the code the phone received. Moves <paramref name="server"/>'s clock past the 30 s resend interval.
    /// </summary>
    public static async Task<PhoneUser> CreateUserAsync(ServerFixture server, string factorType)
    {
        var (userId, login, phone) = await PhoneSignIn.UserAsync(server, "phone", factorType);
        return new PhoneUser(userId, login, phone);
    }

    /// <summary>The newest message the phone received (SMS text or call), as the outbox API lists it.</summary>
    public static async Task<JsonElement> LatestMessageAsync(ServerFixture server, string phone)
    {
        var messages = await PhoneSteps.OutboxAsync(server, phone, 1);
        Assert.Equal(1, messages.GetArrayLength());
        return messages[0];
    }

    /// <summary>The sign-in code the phone received last over <paramref name="channel"/> (<c>sms</c> or <c>voice</c>).</summary>
    public static async Task<string> SignInCodeAsync(ServerFixture server, string phone, string channel)
    {
        var message = await LatestMessageAsync(server, phone);
        Assert.Equal("sign_in", message.GetProperty("purpose").GetString());
        Assert.Equal(channel, message.GetProperty("channel").GetString());
        var code = message.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{6}$", code);
        return code;
    }

    public static string WrongCode(string right) => PhoneSteps.WrongCode(right);
}
