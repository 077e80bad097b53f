using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// A page of <see cref="HarnessSite"/> in the shared Chromium with a <see cref="VirtualAuthenticator"/>:
/// it creates credentials and assertions from WebAuthn options exactly as a server sends them (base64url
/// strings) and hands back the parts a native app would post (base64url). Start one per test with
/// <see cref="RunAsync"/>; a failing test leaves a screenshot in <c>TestResults/browser/</c>.
/// </summary>
public sealed class WebAuthnHarness
{
    public IPage Page { get; }
    public VirtualAuthenticator Authenticator { get; }
    public HarnessSite Site { get; }

    /// <summary>The origin the page is on now (clientDataJSON's <c>origin</c>).</summary>
    public string Origin { get; private set; }

    private WebAuthnHarness(IPage page, VirtualAuthenticator authenticator, HarnessSite site)
    {
        Page = page;
        Authenticator = authenticator;
        Site = site;
        Origin = site.Origin;
    }

    public static Task RunAsync(Func<WebAuthnHarness, Task> test, [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        SharedBrowser.RunAsync(async page =>
        {
            var site = HarnessSite.Current;
            await page.GotoAsync(site.Origin);
            var authenticator = await VirtualAuthenticator.AddAsync(page);
            await test(new WebAuthnHarness(page, authenticator, site));
        }, file, name);

    /// <summary>Moves the page to another origin (e.g. <see cref="HarnessSite.OtherOrigin"/>); the authenticator and its credentials stay.</summary>
    public async Task NavigateAsync(string origin)
    {
        await Page.GotoAsync(origin);
        Origin = origin;
    }

    /// <summary><c>navigator.credentials.create</c> with these PublicKeyCredentialCreationOptions; fails the test if the browser refuses.</summary>
    public async Task<WebAuthnAttestation> CreateAsync(JsonElement creationOptions)
    {
        var result = await CallAsync("create", creationOptions, null);
        return new(Required(result, "credentialId"), Required(result, "attestationObject"), Required(result, "clientDataJSON"));
    }

    /// <summary>
    /// <c>navigator.credentials.get</c> with these PublicKeyCredentialRequestOptions (a challenge answer's
    /// <c>publicKey</c>); fails the test if the browser refuses. <paramref name="change"/> may edit the options
    /// first, as a client that ignores part of them would.
    /// </summary>
    public async Task<WebAuthnAssertion> GetAsync(JsonElement requestOptions, Action<JsonObject>? change = null)
    {
        var result = await CallAsync("get", requestOptions, change);
        return new(Required(result, "credentialId"), Required(result, "clientDataJSON"), Required(result, "authenticatorData"),
            Required(result, "signature"), result.GetProperty("userHandle").GetString());
    }

    /// <summary>The DOMException name the browser refuses <c>get</c> with (e.g. <c>NotAllowedError</c>); fails the test if it succeeds.</summary>
    public async Task<string> GetRefusedAsync(JsonElement requestOptions, Action<JsonObject>? change = null)
    {
        var result = await CallAsync("get", requestOptions, change);
        Assert.True(result.TryGetProperty("error", out var error), $"expected the browser to refuse, got {result}");
        return error.GetString()!;
    }

    private async Task<JsonElement> CallAsync(string method, JsonElement options, Action<JsonObject>? change)
    {
        var json = JsonNode.Parse(options.GetRawText())!.AsObject();
        change?.Invoke(json);
        return await Page.EvaluateAsync<JsonElement>($"json => window.harness.{method}(json)", json.ToJsonString());
    }

    private static string Required(JsonElement result, string name)
    {
        Assert.False(result.TryGetProperty("error", out _), $"the browser refused: {result}");
        return result.GetProperty(name).GetString()!;
    }
}

/// <summary>What <c>navigator.credentials.create</c> gave, base64url: what the Factors API's activate takes.</summary>
public sealed record WebAuthnAttestation(string CredentialId, string AttestationObject, string ClientDataJson);

/// <summary>What <c>navigator.credentials.get</c> gave, base64url: the flat form fields of the token request.</summary>
public sealed record WebAuthnAssertion(string CredentialId, string ClientDataJson, string AuthenticatorData, string Signature, string? UserHandle);
