using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>What an administrator sets up before a page test (the Factors API), with the browser making a passkey where one is needed.</summary>
public static class PageAdmin
{
    private const string CreateScript = """
        async json => {
          const o = JSON.parse(json);
          const bin = s => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), c => c.charCodeAt(0)).buffer;
          const b64 = b => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          const c = await navigator.credentials.create({ publicKey: { ...o, challenge: bin(o.challenge), user: { ...o.user, id: bin(o.user.id) },
            excludeCredentials: (o.excludeCredentials || []).map(x => ({ ...x, id: bin(x.id) })) } });
          return { attestation: b64(c.response.attestationObject), clientData: b64(c.response.clientDataJSON) };
        }
        """;

    /// <summary>Enrolls a passkey for the user through the Factors API; the page's virtual authenticator creates it.</summary>
    public static async Task<string> EnrollPasskeyAsync(ServerFixture server, IPage page, string userId)
    {
        using var admin = server.Admin();
        var (status, pending) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = "Chromium" } }));
        Assert.True(status == 200, $"enrolling: {status} {pending}");
        var activation = pending.GetProperty("_embedded").GetProperty("activation").GetRawText();
        var created = await page.EvaluateAsync<JsonElement>(CreateScript, activation);
        var factorId = pending.GetProperty("id").GetString()!;
        var (activated, factor) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate",
            new { attestation = created.GetProperty("attestation").GetString(), clientData = created.GetProperty("clientData").GetString() }));
        Assert.True(activated == 200, $"activating: {activated} {factor}");
        return factorId;
    }
}
