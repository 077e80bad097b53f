namespace DirectAuth.Client.Tests.Infrastructure;

/// <summary>Base of the Okta compatibility tests: a fresh replay server and an instant clock per test.</summary>
public abstract class ReplayTest : IAsyncLifetime
{
    protected ReplayServer Server { get; private set; } = null!;
    protected AutoClock Clock { get; } = new();
    private readonly List<DirectAuthClient> _clients = [];

    public async Task InitializeAsync() => Server = await ReplayServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await Server.DisposeAsync();
    }

    protected DirectAuthClient NewClient(IReadOnlyList<Factor>? secondFactors = null, ClientAuthentication? authentication = null)
    {
        var client = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = new Uri(Server.Issuer),
            ClientId = ReplayServer.ClientId,
            TimeProvider = Clock,
            SecondFactors = secondFactors ?? [Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice, Factor.RecoveryCode],
            ClientAuthentication = authentication ?? ClientAuthentication.None,
        });
        _clients.Add(client);
        return client;
    }

    /// <summary>Password sign-in answered with the contract's mfa_required.</summary>
    protected async Task<MfaRequired> MfaRequiredAsync(DirectAuthClient client)
    {
        Server.Reply("token", 403, OktaAnswers.MfaRequired);
        var step = await client.SignInWithPasswordAsync("ada@example.com", "correct horse");
        return Assert.IsType<MfaRequired>(step);
    }

    protected static TimeSpan Seconds(int s) => TimeSpan.FromSeconds(s);
}
