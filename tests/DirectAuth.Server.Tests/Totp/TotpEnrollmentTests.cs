using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Totp;

/// <summary>TOTP enrollment over the Okta-shaped Factors API.</summary>
public sealed class TotpEnrollmentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string UserId, JsonElement Body)> EnrollAsync(object? profile = null)
    {
        var login = $"enroll-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var admin = server.Admin();
        var (status, body) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new Dictionary<string, object?> { ["factorType"] = "token:software:totp", ["provider"] = "GOOGLE", ["profile"] = profile }));
        Assert.True(status == 200, $"{status} {body}");
        return (userId, body);
    }

    [Fact]
    public async Task Enroll_Totp_PendingActivationWithOktaShapedActivation()
    {
        var (userId, body) = await EnrollAsync();

        Assert.Equal("token:software:totp", body.GetProperty("factorType").GetString());
        Assert.Equal("GOOGLE", body.GetProperty("provider").GetString());
        Assert.Equal("PENDING_ACTIVATION", body.GetProperty("status").GetString());
        var factorId = body.GetProperty("id").GetString()!;
        Assert.StartsWith("http://localhost/api/v1/users/" + userId + "/factors/" + factorId + "/lifecycle/activate",
            body.GetProperty("_links").GetProperty("activate").GetProperty("href").GetString(), StringComparison.Ordinal);
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        Assert.Equal(30, activation.GetProperty("timeStep").GetInt32());
        Assert.Equal("base32", activation.GetProperty("encoding").GetString());
        var secret = activation.GetProperty("sharedSecret").GetString()!;
        Assert.Equal(32, secret.Length); // 20 bytes (160 bits, RFC 4226's recommendation for SHA-1)
        Assert.Equal(20, TotpBase32.Decode(secret)!.Length);
        Assert.Equal(secret.Length, activation.GetProperty("keyLength").GetInt32());
        var uri = new Uri(activation.GetProperty("otpauthUri").GetString()!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Contains($"secret={secret}", uri.Query, StringComparison.Ordinal);
        Assert.Contains("issuer=DirectAuth", uri.Query, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA1&digits=6&period=30", uri.Query, StringComparison.Ordinal);
        var qr = activation.GetProperty("_links").GetProperty("qrcode");
        Assert.Equal("image/png", qr.GetProperty("type").GetString());
        Assert.Matches($"^http://localhost/api/v1/users/{userId}/factors/{factorId}/qr/[A-Za-z0-9_-]{{43}}$", qr.GetProperty("href").GetString());
    }

    [Fact]
    public async Task QrCode_PendingEnrollment_PngWithoutApiToken()
    {
        var (_, body) = await EnrollAsync();
        var href = body.GetProperty("_embedded").GetProperty("activation").GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString()!;

        var response = await server.Http.GetAsync(new Uri(href).PathAndQuery);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        Assert.True(width >= 6 * 25, $"a QR code of an otpauth URI is at least version 2; width {width}");
    }

    [Fact]
    public async Task QrCode_WrongTokenExpiredOrActivated_NotFound()
    {
        var (userId, body) = await EnrollAsync();
        var factorId = body.GetProperty("id").GetString()!;
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        var path = new Uri(activation.GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString()!).PathAndQuery;
        var guessed = path[..(path.LastIndexOf('/') + 1)] + new string('A', 43);

        Assert.Equal(404, (int)(await server.Http.GetAsync(guessed)).StatusCode);

        using var admin = server.Admin();
        var code = OathTool.Totp(activation.GetProperty("sharedSecret").GetString()!, server.Clock.GetUtcNow());
        await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new { passCode = code }));
        Assert.Equal(404, (int)(await server.Http.GetAsync(path)).StatusCode);

        var (_, second) = await EnrollAsync();
        var secondPath = new Uri(second.GetProperty("_embedded").GetProperty("activation").GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString()!).PathAndQuery;
        Assert.Equal(200, (int)(await server.Http.GetAsync(secondPath)).StatusCode);
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(404, (int)(await server.Http.GetAsync(secondPath)).StatusCode);
    }

    [Fact]
    public async Task Activate_WrongPassCode_403E0000068AndStillPending()
    {
        var (userId, body) = await EnrollAsync();
        var factorId = body.GetProperty("id").GetString()!;
        var secret = body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!;
        var wrong = OathTool.Totp(secret, server.Clock.GetUtcNow()) == "111111" ? "222222" : "111111";
        using var admin = server.Admin();

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new { passCode = wrong }));

        Assert.Equal(403, status);
        Assert.Equal("E0000068", error.GetProperty("errorCode").GetString());
        var factor = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors/{factorId}");
        Assert.Equal("PENDING_ACTIVATION", factor.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Activate_MissingPassCode_400E0000001()
    {
        var (userId, body) = await EnrollAsync();
        using var admin = server.Admin();

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/users/{userId}/factors/{body.GetProperty("id").GetString()}/lifecycle/activate", new { }));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Activate_AfterEnrollmentExpired_Refused()
    {
        var (userId, body) = await EnrollAsync();
        var secret = body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!;
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        using var admin = server.Admin();

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/users/{userId}/factors/{body.GetProperty("id").GetString()}/lifecycle/activate", new { passCode = OathTool.Totp(secret, server.Clock.GetUtcNow()) }));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData("SHA256", 8)]
    [InlineData("SHA512", 6)]
    [InlineData("SHA1", 8)]
    public async Task Totp_OtherAlgorithmsAndDigits_EnrollAndSignIn(string algorithm, int digits)
    {
        var client = await server.RegisterClientAsync(MfaSteps.AllGrants);
        var login = $"alg-{Guid.NewGuid():N}@example.com";
        var totp = await server.EnrollTotpAsync(await server.CreateUserAsync(login), algorithm, digits);
        Assert.Equal(digits, server.CodeNow(totp).Length);

        var (status, _) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp));

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Totp_EightDigitFactor_SixDigitCodeIsMalformed()
    {
        var client = await server.RegisterClientAsync(MfaSteps.AllGrants);
        var login = $"eight-{Guid.NewGuid():N}@example.com";
        var totp = await server.EnrollTotpAsync(await server.CreateUserAsync(login), "SHA1", 8);

        var (status, body) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp)[2..]);

        MfaSteps.AssertError(status, body, 400, "invalid_grant", MfaSteps.InvalidOtp);
    }

    [Theory]
    [InlineData("{\"algorithm\":\"MD5\"}")]
    [InlineData("{\"digits\":7}")]
    [InlineData("{\"digits\":\"six\"}")]
    public async Task Enroll_BadSettings_400E0000001(string profile)
    {
        var userId = await server.CreateUserAsync($"bad-{Guid.NewGuid():N}@example.com");
        using var admin = server.Admin();

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsync($"/api/v1/users/{userId}/factors",
            new StringContent($"{{\"factorType\":\"token:software:totp\",\"profile\":{profile}}}", System.Text.Encoding.UTF8, "application/json")));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Enroll_WhileActiveTotpExists_400AndPendingReplaced()
    {
        var userId = await server.CreateUserAsync($"twice-{Guid.NewGuid():N}@example.com");
        var (firstId, _) = await server.StartTotpEnrollmentAsync(userId);
        var (secondId, _) = await server.StartTotpEnrollmentAsync(userId);
        using var admin = server.Admin();
        var factors = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors");
        Assert.Equal([secondId], factors.EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray());
        Assert.NotEqual(firstId, secondId);

        await server.EnrollTotpAsync(userId);
        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "token:software:totp" }));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Activation_CodeCannotBeReusedToSignIn()
    {
        var client = await server.RegisterClientAsync(MfaSteps.AllGrants);
        var login = $"reuse-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var (factorId, secret) = await server.StartTotpEnrollmentAsync(userId);
        var code = OathTool.Totp(secret, server.Clock.GetUtcNow());
        using var admin = server.Admin();
        await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new { passCode = code }));

        var (status, body) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), code);

        MfaSteps.AssertError(status, body, 400, "invalid_grant", MfaSteps.InvalidOtp);
    }

    [Fact]
    public async Task Seed_SealedAtRest_NotInTheDatabaseInTheClear()
    {
        var (userId, body) = await EnrollAsync();
        var secret = TotpBase32.Decode(body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!)!;

        using var scope = server.Factory.Services.CreateScope();
        var factor = await scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Set<Factor>().AsNoTracking().SingleAsync(f => f.UserId == userId);

        Assert.Equal(1, factor.SealedSecret![0]);
        Assert.Equal(1 + 8 + 12 + 16 + secret.Length, factor.SealedSecret.Length);
        Assert.True(factor.SealedSecret.AsSpan().IndexOf(secret) < 0);
        Assert.DoesNotContain(body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!, factor.Profile!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndGet_NeverShowTheSecret()
    {
        var (userId, body) = await EnrollAsync();
        var secret = body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!;
        using var admin = server.Admin();

        var list = await admin.GetStringAsync($"/api/v1/users/{userId}/factors");
        var one = await admin.GetStringAsync($"/api/v1/users/{userId}/factors/{body.GetProperty("id").GetString()}");

        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        Assert.Contains("\"credentialId\"", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ActiveTotp_UserSignsInWithPasswordAgain()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var admin = server.Admin();

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/users/{totp.UserId}/factors/{totp.FactorId}")).StatusCode);
        var (status, _) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
    }
}
