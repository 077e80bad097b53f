using DirectAuth.Authenticator;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Out-of-band test steps, all through the public surfaces: management API, OAuth endpoints, the authenticator's protocol.</summary>
public static class OobKit
{
    public static readonly string[] Grants = ["password", "refresh_token", GrantTypes.Oob];

    /// <summary>A user whose phone is the authenticator app (the CLI's device client) enrolled and activated.</summary>
    public sealed record PushUser(string UserId, string Login, PushAccount Account);

    public static PushDeviceClient Device(ServerFixture server) => new(server.Http, server.Clock);

    public static readonly string[] OobPrimaryFactors = ["password", "oob:push", "oob:sms", "oob:voice"];

    /// <summary>
    /// Registers an app whose own sign-on policy allows password, push, SMS and voice as the primary factor,
    /// asks for a second factor as <paramref name="secondFactor"/> says, and uses <paramref name="numberChallenge"/> for pushes.
    /// </summary>
    public static async Task<RegisteredClient> RegisterAppAsync(ServerFixture server, string numberChallenge, string secondFactor = "if_enrolled",
        string[]? grants = null, string authMethod = "none", string applicationType = "native")
    {
        var client = await server.RegisterClientAsync(grants ?? Grants, authMethod, applicationType);
        using var admin = server.Admin();
        var (status, policy) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync("/api/v1/policies", new { name = "Policy of " + client.ClientId }));
        Assert.True(status == 200, $"creating a policy: {status} {policy}");
        var policyId = policy.GetProperty("id").GetString();
        var ruleId = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString();
        var (ruleStatus, rule) = await ServerFixture.ReadAsync(await admin.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{ruleId}",
            new { primaryFactors = OobPrimaryFactors, secondFactor, numberChallenge }));
        Assert.True(ruleStatus == 200, $"updating the rule: {ruleStatus} {rule}");
        var assigned = await admin.PutAsync($"/api/v1/apps/{client.ClientId}/policies/{policyId}", null);
        Assert.True(assigned.IsSuccessStatusCode, $"assigning the policy: {(int)assigned.StatusCode}");
        return client;
    }

    /// <summary>POST /api/v1/users/{id}/factors {factorType: push}: the Okta-shaped enrollment answer.</summary>
    public static async Task<(int Status, JsonElement Body)> EnrollPushAsync(ServerFixture server, string userId)
    {
        using var admin = server.Admin();
        return await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "push", provider = "OKTA" }));
    }

    public static async Task<PushUser> CreatePushUserAsync(ServerFixture server, string login)
    {
        var userId = await server.CreateUserAsync(login);
        var (status, body) = await EnrollPushAsync(server, userId);
        Assert.Equal(200, status);
        var link = body.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!;
        var (origin, code) = PushDeviceClient.ParseActivation(link, null);
        var account = await Device(server).ActivateAsync(origin, code, "test phone", CancellationToken.None);
        return new PushUser(userId, login, account);
    }

    public static async Task<(int Status, JsonElement Body)> StartAsync(ServerFixture server, string clientId, string login,
        string channel = "push", string path = "/oauth2/default/v1/primary-authenticate", bool challengeHint = true)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("login_hint", login), ("channel_hint", channel) };
        if (challengeHint) form.Add(("challenge_hint", GrantTypes.Oob));
        return await ServerFixture.ReadAsync(await server.PostFormAsync(path, [.. form]));
    }

    public static async Task<(int Status, JsonElement Body)> PollAsync(ServerFixture server, string clientId, string oobCode, string scope = "openid profile")
    {
        var response = await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.Oob), ("client_id", clientId), ("oob_code", oobCode), ("scope", scope));
        return await ServerFixture.ReadAsync(response);
    }

    public static string Error(this JsonElement body) => body.GetProperty("error").GetString()!;

    public static string Description(this JsonElement body) => body.GetProperty("error_description").GetString()!;

    public const string PendingDescription = "No user response received on the out-of-band authenticator yet. Continue polling to wait for a response.";

    public static string ExpiredDescription(string oobCode) => $"'{oobCode}' has expired. Use a new 'oob_code' and try again.";
}

/// <summary>The authenticator app listening in the background, as the user's phone does; events are queued for the test to take.</summary>
public sealed class DeviceListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<DeviceEvent> _events = Channel.CreateUnbounded<DeviceEvent>();
    private readonly Task _loop;

    public DeviceListener(PushDeviceClient device, PushAccount account)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in device.ListenAsync(account, _stop.Token)) await _events.Writer.WriteAsync(e);
            }
            catch (OperationCanceledException) { }
            catch (Exception ex) { _events.Writer.TryComplete(ex); }
        });
    }

    /// <summary>The next event of type <typeparamref name="T"/>, skipping others; fails after <paramref name="seconds"/>.</summary>
    public async Task<T> NextAsync<T>(int seconds = 10) where T : DeviceEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            DeviceEvent e;
            try { e = await _events.Reader.ReadAsync(timeout.Token); }
            catch (ChannelClosedException closed) when (closed.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(closed.InnerException);
                throw;
            }
            if (e is T wanted) return wanted;
        }
    }

    public async Task<PushNotification> NextPushAsync(int seconds = 10) => (await NextAsync<PushReceived>(seconds)).Push;

    /// <summary>True when no push arrives within <paramref name="milliseconds"/>.</summary>
    public async Task<bool> QuietAsync(int milliseconds = 500)
    {
        using var timeout = new CancellationTokenSource(milliseconds);
        try
        {
            while (true)
                if (await _events.Reader.ReadAsync(timeout.Token) is PushReceived) return false;
        }
        catch (OperationCanceledException) { return true; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
