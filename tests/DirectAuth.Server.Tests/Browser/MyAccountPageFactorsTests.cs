using System.Net;
using System.Text.Json;
using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.OutOfBand;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The signed-in My Account page in Chromium, one action at a time as a person does it: the list, adding each kind of
/// method, removing one, recovery codes, the password, the step-up prompt; and, through HTTP, the page's CSRF and CSP.
/// </summary>
public sealed class MyAccountPageFactorsTests(MyAccountPageServer server) : IClassFixture<MyAccountPageServer>
{
    private async Task<string> SignedInAsync(IPage page, string prefix)
    {
        var login = $"page-{prefix}-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.WaitForAccountAsync(login);
        return login;
    }

    /// <summary>A user with TOTP (set up by the administrator), signed in on the page with password and code.</summary>
    private async Task<(string Login, EnrolledTotp Totp)> SignedInWithTotpAsync(IPage page, string prefix)
    {
        var login = $"page-{prefix}-{Guid.NewGuid():N}@example.com";
        var totp = await server.EnrollTotpAsync(await server.CreateUserAsync(login));
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.Button("Code from my authenticator app").ClickAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.EnterCodeAsync(server.CodeNow(totp));
        await page.WaitForAccountAsync(login);
        return (login, totp);
    }

    [Fact]
    public Task Totp_WrongCode_ShownAtTheCodeField_ThenTheRightOneAddsIt() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "totp-wrong");
        await page.Button("Add an authenticator app").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add an authenticator app" })).ToBeFocusedAsync();
        await Expect(page.Locator("#totp-secret")).Not.ToBeEmptyAsync();
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        var right = Totp.OathTool.Totp(secret, server.Clock.GetUtcNow());

        await page.GetByLabel("Code the app shows").FillAsync(right == "000000" ? "111111" : "000000");
        await page.Button("Verify and add").ClickAsync();

        var field = page.GetByLabel("Code the app shows");
        await Expect(page.Locator("#totp-code-error")).ToBeVisibleAsync();
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToBeFocusedAsync();
        await field.FillAsync(right);
        await page.Button("Verify and add").ClickAsync();
        await page.SaysAsync("Authenticator app added. Save your recovery codes now: they are shown only once.");
        Assert.Equal(("Authenticator app", "Active"), (await page.FactorRowsAsync()) is [var row] ? (row.Method, row.Status) : default);
    });

    [Fact]
    public Task Phone_ByVoiceCall_CodeTyped_AddsACallFactor_AndABadNumberIsShownAtTheField() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "voice");
        await page.Button("Add a phone").ClickAsync();
        await page.GetByLabel("Phone number").FillAsync("not a number");
        await page.Button("Send code").ClickAsync();
        await Expect(page.Locator("#phone-number-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Phone number")).ToHaveAttributeAsync("aria-invalid", "true");

        var phone = Phone.PhoneSteps.NewPhone();
        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.GetByLabel("Voice call").CheckAsync();
        await page.Button("Send code").ClickAsync();
        await page.SaysAsync("We are calling you with a code.");
        await page.GetByLabel("Code you received").FillAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));
        await page.Locator("#phone-verify-form").GetByRole(AriaRole.Button, new() { Name = "Verify and add" }).ClickAsync();

        // The user's first factor: its recovery codes are shown with it, this once.
        await page.SaysAsync("Phone added. Save your recovery codes now: they are shown only once.");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var row = Assert.Single(await page.FactorRowsAsync());
        Assert.Equal("Voice call", row.Method);
        Assert.EndsWith(phone[^4..], row.Details, StringComparison.Ordinal);
    });

    [Fact]
    public Task Push_PairedWithTheActivationLinkShown_TheListShowsTheDeviceByItself() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "push");
        await page.Button("Add a push device").ClickAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code to pair your authenticator app" });
        await Expect(qr).ToBeVisibleAsync();
        var link = await page.Locator("#push-link").InnerTextAsync();
        Assert.StartsWith("directauth://push/activate?", link, StringComparison.Ordinal);
        Assert.Equal(link, MyAccountFactorSteps.DecodeQr(await qr.ScreenshotAsync()));
        await page.ScreenshotAsync("add-push");

        var (origin, code) = Cli.Authenticator.PushDeviceClient.ParseActivation(link, null);
        await OobKit.Device(server).ActivateAsync(origin, code, "my phone", CancellationToken.None);

        await page.SaysAsync("Push device added.");
        var row = Assert.Single(await page.FactorRowsAsync());
        Assert.Equal(("Push (authenticator app)", "Active"), (row.Method, row.Status));
    });

    [Fact]
    public Task Passkey_CreatedWithTheBrowser_ShownWithItsName() => MyAccountPageSteps.RunAsync(async (page, authenticator) =>
    {
        await SignedInAsync(page, "passkey");
        await page.AddPasskeyAsync("Work laptop");
        Assert.Single(await authenticator!.CredentialsAsync());
        var row = Assert.Single(await page.FactorRowsAsync());
        Assert.Equal(("Passkey", "Work laptop", "Active"), row);
        // The passkey is the user's first factor: focus goes to the recovery codes it brought, shown this once.
        await page.SaysAsync("Passkey added. Save your recovery codes now: they are shown only once.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your new recovery codes" })).ToBeFocusedAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
    }, passkeys: true);

    [Fact]
    public Task Remove_CancelKeepsIt_ConfirmRemovesIt() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var (_, totp) = await SignedInWithTotpAsync(page, "remove");
        var remove = page.GetByRole(AriaRole.Button, new() { Name = "Remove Authenticator app", Exact = false });

        await remove.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Remove Authenticator app?" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.ScreenshotAsync("remove-confirm");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Single(await page.FactorRowsAsync());

        await remove.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await page.SaysAsync("Authenticator app removed.");
        await Expect(page.Locator("#no-factors")).ToBeVisibleAsync();
        Assert.Empty(await page.FactorRowsAsync());
        Assert.NotEmpty(await server.Factory.AuditEventsAsync("user.mfa.factor.deactivate", totp.UserId));
    });

    [Fact]
    public Task RecoveryCodes_ShownOnce_DownloadAndPrint_AReplacementIsConfirmed() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var (login, _) = await SignedInWithTotpAsync(page, "codes");
        var codes = await page.GenerateRecoveryCodesAsync();
        Assert.Equal(10, codes.Length);
        Assert.All(codes, c => Assert.Matches("^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$", c));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your new recovery codes" })).ToBeFocusedAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        var path = await download.PathAsync();
        var text = await File.ReadAllTextAsync(path!);
        Assert.All(codes, c => Assert.Contains(c, text, StringComparison.Ordinal));
        Assert.Equal("directauth-recovery-codes.txt", download.SuggestedFilename);
        await page.EvaluateAsync("() => { window.printed = 0; window.print = () => window.printed++; }");
        await page.Button("Print").ClickAsync();
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.printed"));

        // Shown once: after a reload the codes are gone, only their number is told.
        await page.ReloadAsync();
        await page.WaitForAccountAsync(login);
        await page.Button("Recovery codes").ClickAsync();
        await Expect(page.Locator("#recovery-remaining")).ToHaveTextAsync("You have 10 unused recovery codes.");
        await Expect(page.Locator("#recovery-result")).ToBeHiddenAsync();
        await page.Button("Generate new codes").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Replace your recovery codes?" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#recovery-result")).ToBeHiddenAsync();
    });

    [Fact]
    public Task Password_PolicyAndWrongCurrentShownAtTheirFields_ThenChangedAndOtherSessionsSignedOut() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = await SignedInAsync(page, "password");
        var app = await server.RegisterClientAsync(["password", "refresh_token"]);
        var (signedIn, tokens) = await server.PasswordGrantAsync(app.ClientId, login, ServerFixture.DefaultPassword);
        Assert.Equal(200, signedIn);
        await page.Button("Change password").ClickAsync();

        await page.GetByLabel("Current password").FillAsync(ServerFixture.DefaultPassword);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("New password again").FillAsync("short");
        await page.Locator("#password-change-form").GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("#new-password-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("New password", new() { Exact = true })).ToBeFocusedAsync();
        await page.ScreenshotAsync("change-password");

        const string next = "a much longer passphrase for the page";
        await page.GetByLabel("Current password").FillAsync("not my password at all");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(next);
        await page.GetByLabel("New password again").FillAsync(next);
        await page.Locator("#password-change-form").GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("#current-password-error")).ToHaveTextAsync("Old Password is not correct");
        await Expect(page.Locator("#new-password-error")).ToBeHiddenAsync();

        await page.GetByLabel("Current password").FillAsync(ServerFixture.DefaultPassword);
        await page.Locator("#password-change-form").GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.SaysAsync("Password changed. Your other apps and devices are signed out.");

        Assert.Equal(200, (await server.PasswordGrantAsync(app.ClientId, login, next)).Status);
        Assert.NotEqual(200, (await server.PasswordGrantAsync(app.ClientId, login, ServerFixture.DefaultPassword)).Status);
        var (refreshed, _) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "refresh_token"), ("client_id", app.ClientId), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!)));
        Assert.Equal(400, refreshed);
    });

    [Fact]
    public Task StepUp_SignInTooOld_AsksToConfirm_ThenTheChangeGoesOn_OrIsCancelled() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = await SignedInAsync(page, "stepup");
        server.Clock.Advance(TimeSpan.FromSeconds(601)); // past MyAccount:StepUpMaxAgeSeconds

        await page.Button("Recovery codes").ClickAsync();
        await page.Button("Generate new codes").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm it is you" })).ToBeVisibleAsync();
        await Expect(page.Locator("#stepup-note")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Username")).ToHaveValueAsync(login);
        await page.Button("Cancel the change").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The change was cancelled: nothing was changed.");
        await Expect(page.Locator("#account")).ToBeVisibleAsync();

        await page.Button("Generate new codes").ClickAsync();
        await Expect(page.Locator("#stepup-note")).ToBeVisibleAsync();
        await page.SignInWithPasswordAsync(login);
        await page.SaysAsync("New recovery codes made. Save them now: they are shown only once.");
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        Assert.Contains(await server.Factory.AuditEventsAsync("user.account.self_service.refused", login), e => e.Reason == "STEP_UP_REQUIRED");
    });

    [Fact]
    public Task Csrf_AChangeWithTheCookieButWithoutTheSessionsToken_403_WithIt200() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "csrf");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == PageSessions.DevCookieName);
        var csrf = await page.EvaluateAsync<string>("() => window.myAccount.state.csrf");
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(server.Origin) };

        async Task<(int, JsonElement)> PostAsync(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/idp/myaccount/recovery-codes");
            request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
            if (token is not null) request.Headers.Add(PageSessions.CsrfHeader, token);
            return await ServerFixture.ReadAsync(await http.SendAsync(request));
        }

        var (missing, body) = await PostAsync(null);
        Assert.Equal(403, missing);
        Assert.Equal("E0000006", body.GetProperty("errorCode").GetString());
        Assert.Equal(403, (await PostAsync("forged-" + csrf)).Item1);
        Assert.Equal(200, (await PostAsync(csrf)).Item1);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/idp/myaccount/factors");
        list.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(list)).StatusCode); // reading needs no CSRF token
    });

    [Fact]
    public Task Csp_TheSignedInPageIsServedWithTheStrictPolicy_AndNothingOnItBreaksIt() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (violations) violations.Add(m.Text); };
        var login = await SignedInAsync(page, "csp");
        var response = await page.ReloadAsync();
        await page.WaitForAccountAsync(login);
        var headers = await response!.AllHeadersAsync();
        Assert.Equal(PageGuard.ContentSecurityPolicy, headers["content-security-policy"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-store", headers["cache-control"]);
        await page.AddTotpFromTheQrAsync(server);
        await page.SaysAsync("Authenticator app added. Save your recovery codes now: they are shown only once.");
        Assert.Empty(violations);
        var inline = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('script:not([src]), style, [style]:not([style=\"\"])')].map(e => e.outerHTML.slice(0, 120))");
        Assert.True(inline.Length == 0, string.Join("\n", inline));
    });

    [Fact]
    public Task Keyboard_TheManageButtonsAndPanelsWorkWithoutAMouse() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "keys");
        var add = page.Button("Add a phone");
        await add.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(add).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByLabel("Phone number")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Text message")).ToBeFocusedAsync();
        await page.Locator("#panel-phone").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#panel-phone")).ToBeHiddenAsync();
        await Expect(add).ToHaveAttributeAsync("aria-expanded", "false");
    });

    /// <summary>
    /// An axe-style check of each panel as it is shown: every control has a label or name, every image a text
    /// alternative, ids are unique, headings do not skip a level, and nothing can be focused but not seen.
    /// </summary>
    private const string AccessibilityScript = """
        () => {
          const problems = [];
          const visible = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
          const name = e => (e.getAttribute("aria-label") || (e.getAttribute("aria-labelledby") || "").split(" ")
            .map(id => (document.getElementById(id) || {}).textContent || "").join(" ") || e.textContent || "").trim();
          for (const i of document.querySelectorAll("input, select, textarea"))
            if (visible(i) && !(i.labels && i.labels.length) && !name(i)) problems.push("no label: " + (i.id || i.name));
          for (const b of document.querySelectorAll("button, a[href]"))
            if (visible(b) && !name(b)) problems.push("no name: " + b.outerHTML.slice(0, 80));
          for (const img of document.querySelectorAll("img"))
            if (!img.getAttribute("alt")) problems.push("no alt: " + img.id);
          const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
          for (const id of new Set(ids.filter((x, i) => ids.indexOf(x) !== i))) problems.push("duplicate id: " + id);
          let level = 0;
          for (const h of document.querySelectorAll("h1, h2, h3, h4")) {
            if (!visible(h)) continue;
            const l = Number(h.tagName[1]);
            if (l > level + 1) problems.push("heading skips a level: " + h.textContent);
            level = l;
          }
          for (const e of document.querySelectorAll("[aria-describedby]"))
            for (const id of e.getAttribute("aria-describedby").split(" ")) if (!document.getElementById(id)) problems.push("describedby missing: " + id);
          return problems;
        }
        """;

    [Fact]
    public Task Accessibility_EveryPanelHasLabelledControlsNamedButtonsAndOrderedHeadings() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await SignedInAsync(page, "a11y");
        var problems = new List<string>(await page.EvaluateAsync<string[]>(AccessibilityScript));
        foreach (var (panel, id) in new[] { ("Add an authenticator app", "totp"), ("Add a phone", "phone"), ("Add a push device", "push"),
            ("Add a passkey", "passkey"), ("Recovery codes", "recovery"), ("Change password", "password") })
        {
            var opener = page.GetByRole(AriaRole.Group, new() { Name = "Manage" }).GetByRole(AriaRole.Button, new() { Name = panel, Exact = true });
            await opener.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = panel, Exact = true })).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("id => document.getElementById(id).contains(document.activeElement)", $"panel-{id}"); // focus moved into it
            await Expect(opener).ToHaveAttributeAsync("aria-expanded", "true");
            problems.AddRange((await page.EvaluateAsync<string[]>(AccessibilityScript)).Select(p => $"{panel}: {p}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });

    [Fact]
    public Task SessionOver_TheReloadShowsSignIn_ClearsTheDeadCookie_AndSigningInAgainWorks() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = await SignedInAsync(page, "expired");
        server.Clock.Advance(TimeSpan.FromDays(1)); // past the access token the session started with

        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == PageSessions.DevCookieName);
        await page.SignInWithPasswordAsync(login);
        await page.WaitForAccountAsync(login);
        await page.Button("Recovery codes").ClickAsync();
        await Expect(page.Locator("#recovery-remaining")).ToHaveTextAsync("You have no recovery codes.");
    });
}
