namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The harness page: <c>harness.create(json)</c> and <c>harness.get(json)</c> take WebAuthn options as JSON with
/// base64url binary values (as a server sends them), turn those into ArrayBuffers, call
/// <c>navigator.credentials.create/get</c>, and return the credential's binary parts as base64url strings.
/// A failure is returned as <c>{error: name, message}</c> rather than thrown, so tests can assert it.
/// </summary>
public static class HarnessPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>DirectAuth WebAuthn harness</title></head>
        <body>
        <h1>DirectAuth WebAuthn harness</h1>
        <pre id="log"></pre>
        <script>
        "use strict";
        const fromB64url = s => {
          const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
          return Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer;
        };
        const toB64url = buffer => {
          let text = "";
          for (const b of new Uint8Array(buffer)) text += String.fromCharCode(b);
          return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        };
        const ids = list => (list || []).map(c => ({ ...c, id: fromB64url(c.id) }));
        const log = line => { document.getElementById("log").textContent += line + "\n"; };
        const failure = e => { log(`${e.name}: ${e.message}`); return { error: e.name, message: e.message }; };

        window.harness = {
          async create(json) {
            const o = JSON.parse(json);
            const publicKey = { ...o, challenge: fromB64url(o.challenge), user: { ...o.user, id: fromB64url(o.user.id) },
                                excludeCredentials: ids(o.excludeCredentials) };
            try {
              const c = await navigator.credentials.create({ publicKey });
              log(`created ${toB64url(c.rawId)}`);
              return { credentialId: toB64url(c.rawId), attestationObject: toB64url(c.response.attestationObject),
                       clientDataJSON: toB64url(c.response.clientDataJSON) };
            } catch (e) { return failure(e); }
          },
          async get(json) {
            const o = JSON.parse(json);
            const publicKey = { ...o, challenge: fromB64url(o.challenge), allowCredentials: ids(o.allowCredentials) };
            // The legacy U2F appid extension is for https origins only; Chromium refuses any call carrying it
            // from http://localhost. A platform passkey API ignores it for a passkey, so the harness drops it there.
            if (publicKey.extensions && location.protocol !== "https:") {
              const { appid, ...rest } = publicKey.extensions;
              publicKey.extensions = rest;
            }
            try {
              const c = await navigator.credentials.get({ publicKey });
              log(`asserted ${toB64url(c.rawId)}`);
              return { credentialId: toB64url(c.rawId), clientDataJSON: toB64url(c.response.clientDataJSON),
                       authenticatorData: toB64url(c.response.authenticatorData), signature: toB64url(c.response.signature),
                       userHandle: c.response.userHandle ? toB64url(c.response.userHandle) : null };
            } catch (e) { return failure(e); }
          },
        };
        log(`ready at ${location.origin}`);
        </script>
        </body>
        </html>
        """;
}
