using System.Diagnostics;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Totp;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// What a signed-in person does on the My Account page (by its labels and buttons), and how an app then signs the
/// same person in over HTTP with what they enrolled there (the direct-auth grants at the default server).
/// </summary>
public static class MyAccountFactorSteps
{
    public const string AppServer = "/oauth2/default/v1";
    public static readonly string[] AppGrants =
        ["password", GrantTypes.MfaOtp, GrantTypes.MfaOob, GrantTypes.MfaRecoveryCode, GrantTypes.Webauthn, GrantTypes.MfaWebauthn];

    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>The rows of the factor table: (method, details, status).</summary>
    public static async Task<List<(string Method, string Details, string Status)>> FactorRowsAsync(this IPage page)
    {
        var rows = new List<(string, string, string)>();
        foreach (var row in await page.Locator("#factors tbody tr").AllAsync())
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            rows.Add((cells[0].Trim(), cells[1].Trim(), cells[2].Trim()));
        }
        return rows;
    }

    /// <summary>Waits until the status line says <paramref name="text"/> (the aria-live region a screen reader reads).</summary>
    public static Task SaysAsync(this IPage page, string text) => Expect(page.Locator("#status")).ToHaveTextAsync(text);

    /// <summary>"Phone added." — and, when it was the user's first factor, the recovery codes it brought are on screen.</summary>
    public static Task SaysAddedAsync(this IPage page, string text) => Expect(page.Locator("#status")).ToHaveTextAsync(
        new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(text) + "( Save your recovery codes now: they are shown only once\\.)?$"));

    /// <summary>
    /// Add an authenticator app: reads the QR code the page shows (a screenshot of it, decoded with zbarimg), checks the
    /// key shown as text is the same secret, types the code an authenticator computes from it; returns the secret.
    /// </summary>
    /// <param name="authenticatorState">When given, the code comes from the authenticator CLI (<c>directauth authenticator
    /// add-totp</c> with the QR's URI, then <c>codes</c>) holding its accounts in this file, as the person's phone app would.</param>
    public static async Task<string> AddTotpFromTheQrAsync(this IPage page, ServerFixture server, string? screenshot = null, string? authenticatorState = null)
    {
        await page.Button("Add an authenticator app").ClickAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with your authenticator app" });
        await Expect(qr).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('totp-qr').complete && document.getElementById('totp-qr').naturalWidth > 0");
        if (screenshot is not null) await page.ScreenshotAsync(screenshot);
        var uri = DecodeQr(await qr.ScreenshotAsync());
        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        var secret = QueryParameter(uri, "secret");
        Assert.Equal(secret, (await page.Locator("#totp-secret").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal));
        var code = authenticatorState is null ? OathTool.Totp(secret, server.Clock.GetUtcNow()) : await AuthenticatorCliCodeAsync(server, uri, authenticatorState);
        await page.GetByLabel("Code the app shows").FillAsync(code);
        await page.Button("Verify and add").ClickAsync();
        return secret;
    }

    /// <summary>Add a phone for text messages: types the number, then the code that arrived (the fake gateway's outbox).</summary>
    public static async Task AddPhoneAsync(this IPage page, ServerFixture server, string phone)
    {
        await page.Button("Add a phone").ClickAsync();
        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.GetByLabel("Text message").CheckAsync();
        await page.Button("Send code").ClickAsync();
        await Expect(page.GetByLabel("Code you received")).ToBeFocusedAsync();
        await page.GetByLabel("Code you received").FillAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));
        await page.Locator("#phone-verify-form").GetByRole(AriaRole.Button, new() { Name = "Verify and add" }).ClickAsync();
        await page.SaysAddedAsync("Phone added.");
    }

    public static async Task AddPasskeyAsync(this IPage page, string name)
    {
        await page.Button("Add a passkey").ClickAsync();
        await page.GetByLabel("Name for this passkey (optional)").FillAsync(name);
        await page.Button("Create passkey").ClickAsync();
        await page.SaysAddedAsync("Passkey added.");
    }

    /// <summary>Recovery codes → Generate new codes (confirming the replacement when asked); returns the codes shown.</summary>
    public static async Task<string[]> GenerateRecoveryCodesAsync(this IPage page, bool confirm = true)
    {
        await page.Button("Recovery codes").ClickAsync();
        await Expect(page.Locator("#recovery-remaining")).Not.ToBeEmptyAsync();
        await page.Button("Generate new codes").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        if (confirm && await page.Locator("#recovery-remaining").GetAttributeAsync("data-remaining") is not (null or "0"))
        {
            await Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Make new codes" }).ClickAsync();
        }
        await page.SaysAsync("New recovery codes made. Save them now: they are shown only once.");
        return [.. (await page.Locator("#recovery-codes li").AllInnerTextsAsync()).Select(c => c.Trim())];
    }

    /// <summary>On the step-up prompt: the password again, then the code from the authenticator app.</summary>
    public static async Task StepUpWithTotpAsync(this IPage page, ServerFixture server, string secret)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm it is you" })).ToBeVisibleAsync();
        await page.SignInWithPasswordAsync(await page.GetByLabel("Username").InputValueAsync());
        await page.Button("Code from my authenticator app").ClickAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(30)); // a code not used before
        await page.EnterCodeAsync(OathTool.Totp(secret, server.Clock.GetUtcNow()));
    }

    // ---- an app signs the person in over HTTP ---------------------------------------------------------------

    public static async Task<(int Status, JsonElement Body)> TokenAsync(ServerFixture server, params (string, string)[] form) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync($"{AppServer}/token", form));

    /// <summary>The password grant; must answer mfa_required; returns the mfa_token.</summary>
    public static async Task<string> MfaTokenAsync(ServerFixture server, string clientId, string login)
    {
        var (status, body) = await TokenAsync(server, ("grant_type", "password"), ("client_id", clientId), ("username", login),
            ("password", ServerFixture.DefaultPassword), ("scope", "openid profile"));
        Assert.True(status == 403 && body.GetProperty("error").GetString() == "mfa_required", $"expected mfa_required: {status} {body}");
        return body.GetProperty("mfa_token").GetString()!;
    }

    /// <summary>A 200 token answer; returns the access token's amr.</summary>
    public static async Task<string[]> AmrOfAsync(MyAccountPageServer server, (int Status, JsonElement Body) answer, string clientId)
    {
        Assert.True(answer.Status == 200, $"token: {answer.Status} {answer.Body}");
        var access = await ValidateAsync(server, answer.Body.GetProperty("access_token").GetString()!);
        Assert.Equal(clientId, access.GetPayloadValue<string>("cid"));
        return [.. access.Claims.Where(c => c.Type == "amr").Select(c => c.Value)];
    }

    /// <summary>An access token of the default server, validated against its discovery document and JWKS (on the Kestrel port).</summary>
    private static async Task<JsonWebToken> ValidateAsync(MyAccountPageServer server, string token)
    {
        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>($"{server.Origin}/oauth2/default/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(server.Http) { RequireHttps = false });
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ConfigurationManager = configuration, ValidAudience = "api://default",
            LifetimeValidator = (_, _, _, _) => true, // the server's clock is the test's, which the tests move
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }

    public static async Task<string[]> SignInWithTotpAsync(MyAccountPageServer server, string clientId, string login, string secret)
    {
        var mfa = await MfaTokenAsync(server, clientId, login);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        return await AmrOfAsync(server, await TokenAsync(server, ("grant_type", GrantTypes.MfaOtp), ("client_id", clientId), ("mfa_token", mfa),
            ("otp", OathTool.Totp(secret, server.Clock.GetUtcNow()))), clientId);
    }

    public static async Task<string[]> SignInWithSmsAsync(MyAccountPageServer server, string clientId, string login, string phone)
    {
        server.Clock.Advance(TimeSpan.FromSeconds(31)); // past the phone's resend interval
        var mfa = await MfaTokenAsync(server, clientId, login);
        var (challenged, challenge) = await ServerFixture.ReadAsync(await server.PostFormAsync($"{AppServer}/challenge",
            ("client_id", clientId), ("mfa_token", mfa), ("challenge_types_supported", GrantTypes.MfaOob), ("channel_hint", "sms")));
        Assert.True(challenged == 200, $"challenge: {challenged} {challenge}");
        return await AmrOfAsync(server, await TokenAsync(server, ("grant_type", GrantTypes.MfaOob), ("client_id", clientId), ("mfa_token", mfa),
            ("oob_code", challenge.GetProperty("oob_code").GetString()!), ("binding_code", await Phone.PhoneSteps.LatestCodeAsync(server, phone))), clientId);
    }

    public static async Task<string[]> SignInWithRecoveryCodeAsync(MyAccountPageServer server, string clientId, string login, string code) =>
        await AmrOfAsync(server, await TokenAsync(server, ("grant_type", GrantTypes.MfaRecoveryCode), ("client_id", clientId),
            ("mfa_token", await MfaTokenAsync(server, clientId, login)), ("recovery_code", code)), clientId);

    private const string GetScript = """
        async json => {
          const o = JSON.parse(json);
          const bin = s => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), c => c.charCodeAt(0)).buffer;
          const b64 = b => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          const { appid, ...extensions } = o.extensions || {};
          const c = await navigator.credentials.get({ publicKey: { ...o, extensions, challenge: bin(o.challenge),
            allowCredentials: (o.allowCredentials || []).map(x => ({ ...x, id: bin(x.id) })) } });
          const r = c.response;
          return { clientDataJSON: b64(r.clientDataJSON), authenticatorData: b64(r.authenticatorData), signature: b64(r.signature),
            userHandle: r.userHandle ? b64(r.userHandle) : null };
        }
        """;

    /// <summary>Passkey sign-in of an app: /primary-authenticate, the browser's authenticator answers, the webauthn grant.</summary>
    public static async Task<string[]> SignInWithPasskeyAsync(MyAccountPageServer server, IPage page, string clientId, string login)
    {
        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync($"{AppServer}/primary-authenticate",
            ("client_id", clientId), ("challenge_hint", GrantTypes.Webauthn), ("login_hint", login), ("scope", "openid profile")));
        Assert.True(status == 200, $"primary-authenticate: {status} {body}");
        var assertion = await page.EvaluateAsync<JsonElement>(GetScript, body.GetProperty("publicKey").GetRawText());
        var form = new List<(string, string)>
        {
            ("grant_type", GrantTypes.Webauthn), ("client_id", clientId), ("scope", "openid profile"),
            (Parameters.ClientDataJson, assertion.GetProperty("clientDataJSON").GetString()!),
            (Parameters.AuthenticatorData, assertion.GetProperty("authenticatorData").GetString()!),
            (Parameters.Signature, assertion.GetProperty("signature").GetString()!),
        };
        if (assertion.GetProperty("userHandle").GetString() is { } handle) form.Add((Parameters.UserHandle, handle));
        return await AmrOfAsync(server, await TokenAsync(server, [.. form]), clientId);
    }

    // ---- QR -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The authenticator CLI as the person's app: adds the account from the QR's URI and shows its current code. The CLI
    /// reads the real clock, so the server's test clock (which starts at the real time and only moves forward) is
    /// brought up to now first; the server accepts the step either side.
    /// </summary>
    private static async Task<string> AuthenticatorCliCodeAsync(ServerFixture server, string otpauthUri, string state)
    {
        var (added, addOutput) = await OutOfBand.Processes.ProcessSteps.CliAsync("authenticator", "add-totp", otpauthUri, "--state", state);
        Assert.True(added == 0, $"authenticator add-totp: {addOutput}");
        var lag = DateTimeOffset.UtcNow - server.Clock.GetUtcNow();
        Assert.True(lag >= TimeSpan.Zero, "the server's clock is ahead of the real time: the CLI's code would not match");
        server.Clock.Advance(lag);
        var (shown, codes) = await OutOfBand.Processes.ProcessSteps.CliAsync("authenticator", "codes", "--json", "--state", state);
        Assert.True(shown == 0, $"authenticator codes: {codes}");
        using var line = System.Text.Json.JsonDocument.Parse(codes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.TrimStart().StartsWith('{')));
        return line.RootElement.GetProperty("code").GetString()!;
    }

    /// <summary>Decodes a QR code image with zbarimg (Debian zbar-tools).</summary>
    public static string DecodeQr(byte[] png)
    {
        var path = Path.Combine(Path.GetTempPath(), $"myaccount-qr-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            using var zbar = Process.Start(new ProcessStartInfo("zbarimg", ["-q", "--raw", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = zbar.StandardOutput.ReadToEnd();
            zbar.WaitForExit();
            Assert.True(zbar.ExitCode == 0, $"zbarimg could not read the QR code (exit {zbar.ExitCode}): {zbar.StandardError.ReadToEnd()}");
            return text.Trim();
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string QueryParameter(string uri, string name) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(uri).Query)[name] ?? throw new InvalidOperationException($"{name} missing in {uri}");
}
