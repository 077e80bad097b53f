using DirectAuth.Authenticator;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.OutOfBand;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Fuzz;

/// <summary>
/// A server with something real behind every endpoint, so mutated requests get past the first check: a
/// public app allowed every grant, a confidential one, a user with TOTP (an mfa_token), one with push
/// (an oob_code, a device-signed answer), one with tokens, a group, a policy and its rule. Fast password
/// hashing and high rate limits keep the fuzz quick and deep; the limiter still runs.
/// </summary>
public sealed class FuzzFixture : ServerFixture, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passwords:Iterations"] = "10000",
        ["RateLimits:Token:Limit"] = "1000000",
        ["RateLimits:OAuth:Limit"] = "1000000",
        ["Logging:LogLevel:Default"] = "Critical",
    };

    /// <summary>Named values the request templates use: ids, tokens, codes (each a real one at set-up time).</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Compact JWS bodies a real device sent (an activation and an answer), to mutate.</summary>
    public List<string> DeviceJws { get; } = [];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        string[] grants = [.. MfaSteps.AllGrants, GrantTypes.Oob, MfaSteps.MfaOob, GrantTypes.Webauthn, GrantTypes.MfaWebauthn];
        var app = await OobKit.RegisterAppAsync(this, "always", "if_enrolled", grants);
        var confidential = await RegisterClientAsync(["client_credentials", "password", "refresh_token"], "client_secret_basic", "service");
        Values["client"] = app.ClientId;
        Values["secretClient"] = confidential.ClientId;
        Values["secret"] = confidential.ClientSecret ?? "";

        var plainId = await CreateUserAsync("fuzz-plain@example.com");
        Values["plainUser"] = plainId;
        Values["plainLogin"] = "fuzz-plain@example.com";
        var (status, tokens) = await PasswordGrantAsync(app.ClientId, "fuzz-plain@example.com", DefaultPassword);
        Assert.True(status == 200, $"tokens for the fuzz: {status} {tokens}");
        Values["access"] = tokens.GetProperty("access_token").GetString()!;
        Values["refresh"] = tokens.GetProperty("refresh_token").GetString()!;
        Values["idToken"] = tokens.GetProperty("id_token").GetString()!;

        var totpId = await CreateUserAsync("fuzz-totp@example.com");
        var totp = await this.EnrollTotpAsync(totpId);
        Values["totpUser"] = totpId;
        Values["totpFactor"] = totp.FactorId;
        Values["totpLogin"] = "fuzz-totp@example.com";
        Values["otp"] = this.CodeNow(totp);
        Values["recoveryCode"] = totp.RecoveryCodes[0];
        Values["mfaToken"] = await this.MfaTokenAsync(app.ClientId, "fuzz-totp@example.com");

        var recorder = new RecordingHandler(DeviceJws) { InnerHandler = Factory.Server.CreateHandler() };
        using var deviceHttp = new HttpClient(recorder) { BaseAddress = new Uri("http://localhost") };
        var userId = await CreateUserAsync("fuzz-push@example.com");
        var (enrolled, enrollment) = await OobKit.EnrollPushAsync(this, userId);
        Assert.Equal(200, enrolled);
        var link = enrollment.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!;
        var (origin, code) = PushDeviceClient.ParseActivation(link, null);
        var device = new PushDeviceClient(deviceHttp, Clock);
        var account = await device.ActivateAsync(origin, code, "fuzz phone", CancellationToken.None);
        Values["pushUser"] = userId;
        Values["pushLogin"] = "fuzz-push@example.com";
        Values["pushFactor"] = account.FactorId;
        var (started, oob) = await OobKit.StartAsync(this, app.ClientId, "fuzz-push@example.com");
        Assert.True(started == 200, $"a push for the fuzz: {started} {oob}");
        Values["oobCode"] = oob.GetProperty("oob_code").GetString()!;
        try { await device.AnswerAsync(account, "no-such-transaction", PushDecisions.Approve, null, CancellationToken.None); }
        catch (DeviceApiException) { } // the signed body is what the fuzz wants

        using var admin = Admin();
        var group = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/api/v1/groups", new { profile = new { name = "Fuzz group" } })).Content.ReadAsStringAsync()).RootElement;
        Values["group"] = group.GetProperty("id").GetString()!;
        var policy = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/apps/{app.ClientId}/policy")).RootElement;
        Values["policy"] = policy.GetProperty("id").GetString()!;
        Values["rule"] = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!;
    }

    /// <summary>Keeps the bodies a device client posts.</summary>
    private sealed class RecordingHandler(List<string> bodies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Content is not null) bodies.Add(await request.Content.ReadAsStringAsync(ct));
            return await base.SendAsync(request, ct);
        }
    }
}
