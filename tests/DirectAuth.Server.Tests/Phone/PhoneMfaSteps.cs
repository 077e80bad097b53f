using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>
/// Steps of SMS and voice as the second factor (seed flows 000/001 with <c>channel_hint</c> sms or voice):
/// password, 403 <c>mfa_required</c>, <c>/challenge</c>, the code from the phone, the mfa-oob grant.
/// </summary>
public static class PhoneMfaSteps
{
    public static readonly string[] Grants = ["password", "refresh_token", GrantTypes.MfaOob];

    /// <summary>An app that may use the mfa-oob grant, under the default policy (password, then any enrolled factor).</summary>
    public static Task<RegisteredClient> ClientAsync(ServerFixture server, string[]? grants = null) => server.RegisterClientAsync(grants ?? Grants);

    /// <summary>The phone factor type the Factors API enrolls for a channel: <c>sms</c>, or <c>call</c> for voice.</summary>
    public static string FactorType(string channel) => channel == "voice" ? "call" : "sms";

    /// <summary>A user with an ACTIVE phone factor for <paramref name="channel"/>, signed in with the password: the mfa_token.</summary>
    public static async Task<(string UserId, string Login, string Phone, string MfaToken)> SignedInAsync(
        ServerFixture server, string clientId, string name, string channel)
    {
        var user = await PhoneSignIn.UserAsync(server, name, FactorType(channel));
        var mfaToken = await server.MfaTokenAsync(clientId, user.Login);
        return (user.UserId, user.Login, user.Phone, mfaToken);
    }

    public static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> ChallengeAsync(
        ServerFixture server, string clientId, string mfaToken, string? channel, string challengeTypes = GrantTypes.MfaOob)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("mfa_token", mfaToken), ("challenge_types_supported", challengeTypes) };
        if (channel is not null) form.Add(("channel_hint", channel));
        var response = await server.PostFormAsync("/oauth2/default/v1/challenge", [.. form]);
        var (status, body) = await ServerFixture.ReadAsync(response);
        return (status, body, response);
    }

    /// <summary>A /challenge that must start an SMS or voice transaction; returns its oob_code.</summary>
    public static async Task<string> OobCodeAsync(ServerFixture server, string clientId, string mfaToken, string channel)
    {
        var (status, body, _) = await ChallengeAsync(server, clientId, mfaToken, channel);
        Assert.True(status == 200, $"challenge {channel}: {status} {body}");
        return body.GetProperty("oob_code").GetString()!;
    }

    public static Task<(int Status, JsonElement Body)> TokenAsync(
        ServerFixture server, string clientId, string mfaToken, string oobCode, string? bindingCode)
    {
        var form = new List<(string, string)>
        {
            ("grant_type", GrantTypes.MfaOob), ("client_id", clientId), ("mfa_token", mfaToken), ("oob_code", oobCode),
        };
        if (bindingCode is not null) form.Add(("binding_code", bindingCode));
        return server.TokenAsync([.. form]);
    }

    /// <summary>The answer of /challenge when the user has no usable authenticator for the hinted channel.</summary>
    public static string NoSuchAuthenticator(string channel) =>
        $"The user has no '{channel}' authenticator that this app accepts, or the client does not support the mfa-oob grant.";

    public const string OtherMfaToken = "The 'oob_code' and the 'mfa_token' provided are not associated with each other. Review the values and try again.";
    public const string TooManyWrongCodes = "Too many wrong codes were entered for this 'mfa_token'. Sign in again to get a new one.";
}
