using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Totp;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>An enrolled TOTP factor as a test knows it: ids, the shared secret, and the recovery codes shown at activation.</summary>
public sealed record EnrolledTotp(string UserId, string FactorId, string Secret, string Algorithm, int Digits, IReadOnlyList<string> RecoveryCodes);

/// <summary>The steps of multifactor tests, all through the public HTTP surface (management API and OAuth endpoints).</summary>
public static class MfaSteps
{
    public const string MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";
    public const string MfaOob = "http://auth0.com/oauth/grant-type/mfa-oob";
    public const string MfaRecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code";
    public const string Otp = "urn:okta:params:oauth:grant-type:otp";
    public static readonly string[] AllGrants = ["password", "refresh_token", Otp, MfaOtp, MfaRecoveryCode];

    /// <summary>Enrolls and activates TOTP for the user (code from oathtool at the server's clock), then moves the clock one step on so the next code is new.</summary>
    public static async Task<EnrolledTotp> EnrollTotpAsync(this ServerFixture server, string userId, string algorithm = "SHA1", int digits = 6)
    {
        var (factorId, secret) = await server.StartTotpEnrollmentAsync(userId, algorithm, digits);
        using var admin = server.Admin();
        var code = OathTool.Totp(secret, server.Clock.GetUtcNow(), algorithm.ToLowerInvariant(), digits);
        var response = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new { passCode = code });
        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status == 200, $"activating TOTP: {status} {body}");
        Assert.Equal("ACTIVE", body.GetProperty("status").GetString());
        var codes = body.GetProperty("_embedded").GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        return new EnrolledTotp(userId, factorId, secret, algorithm, digits, codes);
    }

    public static async Task<(string FactorId, string Secret)> StartTotpEnrollmentAsync(this ServerFixture server, string userId, string algorithm = "SHA1", int digits = 6)
    {
        using var admin = server.Admin();
        var response = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "token:software:totp", provider = "GOOGLE", profile = new { algorithm, digits } });
        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status == 200, $"enrolling TOTP: {status} {body}");
        return (body.GetProperty("id").GetString()!, body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!);
    }

    /// <summary>The current code of the factor, from oathtool at the server's clock.</summary>
    public static string CodeNow(this ServerFixture server, EnrolledTotp totp, TimeSpan? offset = null) =>
        OathTool.Totp(totp.Secret, server.Clock.GetUtcNow() + (offset ?? TimeSpan.Zero), totp.Algorithm.ToLowerInvariant(), totp.Digits);

    /// <summary>A password sign-in that must answer 403 mfa_required; returns the mfa_token.</summary>
    public static async Task<string> MfaTokenAsync(this ServerFixture server, string clientId, string login, string scope = "openid profile offline_access")
    {
        var (status, body) = await server.PasswordGrantAsync(clientId, login, ServerFixture.DefaultPassword, scope);
        Assert.True(status == 403, $"expected mfa_required: {status} {body}");
        Assert.Equal("mfa_required", body.GetProperty("error").GetString());
        return body.GetProperty("mfa_token").GetString()!;
    }

    public static async Task<(int Status, JsonElement Body)> TokenAsync(this ServerFixture server, params (string Name, string Value)[] form) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token", form));

    public static Task<(int Status, JsonElement Body)> MfaOtpAsync(this ServerFixture server, string clientId, string mfaToken, string otp) =>
        server.TokenAsync(("grant_type", MfaOtp), ("client_id", clientId), ("mfa_token", mfaToken), ("otp", otp));

    public static async Task<(int Status, JsonElement Body)> ChallengeAsync(this ServerFixture server, params (string Name, string Value)[] form) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/challenge", form));

    /// <summary>A user with TOTP and an app that may use every MFA grant.</summary>
    public static async Task<(RegisteredClient Client, EnrolledTotp Totp, string Login)> UserWithTotpAsync(this ServerFixture server, string[]? grants = null)
    {
        var client = await server.RegisterClientAsync(grants ?? AllGrants);
        var login = $"mfa-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var totp = await server.EnrollTotpAsync(userId);
        return (client, totp, login);
    }

    public static void AssertError(int status, JsonElement body, int expectedStatus, string expectedError, string? expectedDescription = null)
    {
        Assert.True(status == expectedStatus, $"expected {expectedStatus} {expectedError}, got {status} {body}");
        Assert.Equal(expectedError, body.GetProperty("error").GetString());
        if (expectedDescription is not null) Assert.Equal(expectedDescription, body.GetProperty("error_description").GetString());
    }

    public const string InvalidOtp = "The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.";
    public const string ExpiredMfaToken = "'mfa_token' has expired. Use a new 'mfa_token' and try again.";
}
