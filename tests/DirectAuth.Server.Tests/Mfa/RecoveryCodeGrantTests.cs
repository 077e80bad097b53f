using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.RecoveryCodes;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>One-time recovery codes: issued at TOTP activation or on request, stored hashed, used once as the second factor.</summary>
public sealed class RecoveryCodeGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string InvalidCode = "The 'recovery_code' provided is either empty or incorrect. Use an unused recovery code and try again.";

    private Task<(int Status, JsonElement Body)> RecoverAsync(string clientId, string mfaToken, string? code)
    {
        var form = new List<(string, string)> { ("grant_type", MfaRecoveryCode), ("client_id", clientId), ("mfa_token", mfaToken) };
        if (code is not null) form.Add(("recovery_code", code));
        return server.TokenAsync(form.ToArray());
    }

    [Fact]
    public async Task Activation_IssuesTenDistinctFormattedCodes()
    {
        var (_, totp, _) = await server.UserWithTotpAsync();

        Assert.Equal(10, totp.RecoveryCodes.Count);
        Assert.Equal(10, totp.RecoveryCodes.Distinct().Count());
        Assert.All(totp.RecoveryCodes, c => Assert.Matches("^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$", c));
    }

    [Fact]
    public async Task RecoveryCode_Valid_TokensWithAmrRcAndMfa()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await RecoverAsync(client.ClientId, mfaToken, totp.RecoveryCodes[3].ToUpperInvariant().Replace("-", " ", StringComparison.Ordinal));

        Assert.Equal(200, status);
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd", "rc", "mfa"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", id.GetPayloadValue<string>("acr"));
        using var admin = server.Admin();
        var remaining = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{totp.UserId}/recovery-codes");
        Assert.Equal(9, remaining.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task RecoveryCode_UsedTwice_SecondRefused()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        Assert.Equal(200, (await RecoverAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), totp.RecoveryCodes[0])).Status);

        var (status, body) = await RecoverAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), totp.RecoveryCodes[0]);

        AssertError(status, body, 400, "invalid_grant", InvalidCode);
    }

    [Fact]
    public async Task RecoveryCode_SameCodeTwiceAtOnce_ExactlyOneSucceeds()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var first = await server.MfaTokenAsync(client.ClientId, login);
        var second = await server.MfaTokenAsync(client.ClientId, login);

        var results = await Task.WhenAll(RecoverAsync(client.ClientId, first, totp.RecoveryCodes[1]), RecoverAsync(client.ClientId, second, totp.RecoveryCodes[1]));

        Assert.Equal([200, 400], results.Select(r => r.Status).Order().ToArray());
    }

    [Theory]
    [InlineData("aaaa-bbbb-cccc-dddd")]
    [InlineData(null)]
    [InlineData("too-short")]
    [InlineData("iiii-llll-oooo-uuuu")]
    public async Task RecoveryCode_WrongOrMalformed_InvalidGrant(string? code)
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await RecoverAsync(client.ClientId, mfaToken, code);

        AssertError(status, body, 400, "invalid_grant", InvalidCode);
    }

    [Fact]
    public async Task RecoveryCode_WrongCodeOnUsedMfaToken_AccessDenied()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        Assert.Equal(200, (await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp))).Status);

        var (status, body) = await RecoverAsync(client.ClientId, mfaToken, totp.RecoveryCodes[2]);

        AssertError(status, body, 403, "access_denied", ExpiredMfaToken);
        using var admin = server.Admin();
        var remaining = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{totp.UserId}/recovery-codes");
        Assert.Equal(10, remaining.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task RecoveryCode_PolicyDoesNotAcceptThem_Refused()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { secondFactors = new[] { "otp" } });
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await RecoverAsync(client.ClientId, mfaToken, totp.RecoveryCodes[0]);

        AssertError(status, body, 400, "invalid_grant",
            "This sign-in cannot be completed with the 'recovery_code' factor: the user has no such factor that the app's sign-on policy accepts.");
    }

    [Fact]
    public async Task RecoveryCodes_Regenerated_OldSetStopsWorking()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var admin = server.Admin();
        var fresh = await PolicySteps.Json(await admin.PostAsync($"/api/v1/users/{totp.UserId}/recovery-codes", null));
        var codes = fresh.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();

        var old = await RecoverAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), totp.RecoveryCodes[0]);
        var (status, _) = await RecoverAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), codes[0]);

        AssertError(old.Status, old.Body, 400, "invalid_grant", InvalidCode);
        Assert.Equal(200, status);
        Assert.NotNull(await AuditEvents.LatestAsync(server, "user.mfa.recovery_codes.generate", totp.UserId));
    }

    [Fact]
    public async Task RecoveryCodes_StoredOnlySaltedAndHashed()
    {
        var (_, totp, _) = await server.UserWithTotpAsync();

        using var scope = server.Factory.Services.CreateScope();
        var rows = await scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Set<RecoveryCode>().AsNoTracking()
            .Where(c => c.UserId == totp.UserId).ToListAsync();

        Assert.Equal(10, rows.Count);
        Assert.Equal(10, rows.Select(r => Convert.ToHexString(r.Salt)).Distinct().Count());
        foreach (var code in totp.RecoveryCodes)
        {
            var plain = Encoding.UTF8.GetBytes(code.Replace("-", "", StringComparison.Ordinal));
            Assert.DoesNotContain(rows, r => r.CodeHash.AsSpan().IndexOf(plain) >= 0 || r.CodeHash.SequenceEqual(System.Security.Cryptography.SHA256.HashData(plain)));
        }
    }

    [Fact]
    public async Task RecoveryCodes_Revoked_NoLongerOffered()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var admin = server.Admin();
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/users/{totp.UserId}/recovery-codes")).StatusCode);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await RecoverAsync(client.ClientId, mfaToken, totp.RecoveryCodes[0]);

        AssertError(status, body, 400, "invalid_grant");
        Assert.Equal(200, (await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp))).Status);
    }
}
