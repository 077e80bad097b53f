// The My Account page. A first-party public client of this server: it signs in with the direct-auth grants
// (password, then a second factor; or a passkey alone), hands the access token to POST /myaccount/session and
// forgets it; from then on the HttpOnly session cookie and the session's CSRF token authorize its calls to the
// MyAccount API (/idp/myaccount). No framework, no build step.
"use strict";

(() => {
  const cfg = document.body.dataset;
  const GRANT = {
    password: "password",
    webauthn: "urn:okta:params:oauth:grant-type:webauthn",
    mfaOtp: "http://auth0.com/oauth/grant-type/mfa-otp",
    mfaOob: "http://auth0.com/oauth/grant-type/mfa-oob",
    mfaWebauthn: "urn:okta:params:oauth:grant-type:mfa-webauthn",
    mfaRecovery: "http://auth0.com/oauth/grant-type/mfa-recovery-code",
  };
  const $ = id => document.getElementById(id);
  const state = { csrf: null, user: null, mfaToken: null, factor: null, oobCode: null, stepUp: null, maxAge: null, acrValues: null, polling: 0 };

  // ---- small helpers ------------------------------------------------------------------------------------
  const fromB64url = s => {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
    return Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer;
  };
  const toB64url = buffer => {
    let text = "";
    for (const b of new Uint8Array(buffer)) text += String.fromCharCode(b);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const sleep = ms => new Promise(r => setTimeout(r, ms));

  function say(text) { $("status").textContent = text || ""; }
  function clearError() { const e = $("error"); e.hidden = true; e.textContent = ""; }
  function fail(text) {
    const e = $("error");
    e.textContent = text;
    e.hidden = false;
    say("");
    e.focus();
  }
  function focusOn(el) { if (el) { el.setAttribute("tabindex", el.getAttribute("tabindex") || "-1"); el.focus(); } }
  function show(id) {
    for (const s of ["signin", "mfa", "account"]) $(s).hidden = s !== id;
  }
  async function busy(button, work) {
    if (button) button.disabled = true;
    try { return await work(); }
    catch (e) { fail(e && e.message ? e.message : String(e)); }
    finally { if (button) button.disabled = false; }
  }
  function describe(body, fallback) {
    if (body && body.error_description) return body.error_description;
    if (body && body.errorCauses && body.errorCauses.length && body.errorCauses[0].errorSummary) return body.errorCauses[0].errorSummary;
    if (body && body.errorSummary) return body.errorSummary;
    return fallback;
  }
  async function readJson(response) {
    const text = await response.text();
    try { return text ? JSON.parse(text) : {}; } catch { return {}; }
  }

  // ---- OAuth: the direct-auth endpoints -----------------------------------------------------------------
  async function oauth(name, params) {
    const form = new URLSearchParams({ client_id: cfg.clientId, ...params });
    const response = await fetch(`${cfg.oauthBase}/${name}`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form,
    });
    return { status: response.status, body: await readJson(response) };
  }
  // During a step-up the token request asks for what the API's challenge named (RFC 9470: max_age, acr_values).
  const token = params => oauth("token", {
    scope: cfg.scopes, ...(state.maxAge !== null ? { max_age: String(state.maxAge) } : {}),
    ...(state.acrValues ? { acr_values: state.acrValues } : {}), ...params,
  });

  async function afterToken({ status, body }) {
    if (status === 200 && body.access_token) return startSession(body.access_token);
    if (status === 403 && body.error === "mfa_required") return showMfa(body.mfa_token);
    throw new Error(describe(body, "Sign-in failed."));
  }

  async function startSession(accessToken) {
    // Signing in again (step-up) while the session's cookie is still there: the change needs its CSRF token too.
    const headers = { "Content-Type": "application/json" };
    if (state.csrf) headers["X-CSRF-Token"] = state.csrf;
    const response = await fetch("/myaccount/session", {
      method: "POST", credentials: "same-origin", headers, body: JSON.stringify({ access_token: accessToken }),
    });
    const body = await readJson(response);
    if (!response.ok) throw new Error(describe(body, "The session could not be started."));
    const stepUp = state.stepUp;
    state.stepUp = null;
    state.maxAge = null;
    state.acrValues = null;
    signedIn(body, !!stepUp);
    if (stepUp) {
      stepUp.resume();
    } else {
      say(`Signed in as ${body.user.login}.`);
    }
  }

  // ---- sign-in ----------------------------------------------------------------------------------------------
  function showSignIn(stepUp) {
    clearError();
    show("signin");
    $("stepup-note").hidden = !stepUp;
    $("signin-title").textContent = stepUp ? "Confirm it is you" : "Sign in";
    $("stepup-cancel").hidden = !stepUp;
    const user = $("username");
    if (stepUp && state.user) { user.value = state.user.login; user.readOnly = true; } else { user.readOnly = false; }
    $("password").value = "";
    focusOn(stepUp ? $("password") : user);
  }

  $("password-form").addEventListener("submit", e => {
    e.preventDefault();
    clearError();
    const username = $("username").value.trim(), password = $("password").value;
    if (!username) return fail("Enter your username.");
    if (!password) return fail("Enter your password.");
    return busy(e.submitter, async () => {
      say("Signing in…");
      await afterToken(await token({ grant_type: GRANT.password, username, password }));
    });
  });

  $("passkey-signin").addEventListener("click", e => busy(e.currentTarget, async () => {
    clearError();
    say("Waiting for your passkey…");
    const username = $("username").value.trim();
    const { status, body } = await oauth("primary-authenticate", {
      challenge_hint: GRANT.webauthn, scope: cfg.scopes, ...(username ? { login_hint: username } : {}),
    });
    if (status !== 200 || !body.publicKey) throw new Error(describe(body, "Passkey sign-in is not available."));
    const assertion = await getPasskey(body.publicKey);
    await afterToken(await token({ grant_type: GRANT.webauthn, ...assertion }));
  }));

  async function getPasskey(options) {
    const publicKey = {
      ...options, challenge: fromB64url(options.challenge),
      allowCredentials: (options.allowCredentials || []).map(c => ({ ...c, id: fromB64url(c.id) })),
    };
    if (publicKey.extensions && location.protocol !== "https:") {
      // The U2F appid extension is for https origins; Chromium refuses a request carrying it on http://localhost.
      const { appid, ...rest } = publicKey.extensions;
      publicKey.extensions = rest;
    }
    let credential;
    try { credential = await navigator.credentials.get({ publicKey }); }
    catch (e) { throw new Error(e && e.name === "NotAllowedError" ? "The passkey request was cancelled or timed out." : `Passkey: ${e.message}`); }
    const r = credential.response;
    const fields = { clientDataJSON: toB64url(r.clientDataJSON), authenticatorData: toB64url(r.authenticatorData), signature: toB64url(r.signature) };
    if (r.userHandle) fields.userHandle = toB64url(r.userHandle);
    return fields;
  }

  // ---- second factor ------------------------------------------------------------------------------------
  function showMfa(mfaToken) {
    state.mfaToken = mfaToken;
    state.factor = null;
    state.polling++;
    clearError();
    say("");
    show("mfa");
    $("code-form").hidden = true;
    $("push-wait").hidden = true;
    for (const b of $("mfa-choices").querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
    focusOn($("mfa-title"));
  }

  const CODE_LABELS = {
    otp: "Code from your authenticator app", sms: "Code we texted you", voice: "Code we read to you", recovery: "Recovery code",
  };

  for (const button of $("mfa-choices").querySelectorAll("button")) {
    button.addEventListener("click", e => busy(e.currentTarget, async () => {
      clearError();
      const factor = button.dataset.factor;
      state.polling++;
      $("code-form").hidden = true;
      $("push-wait").hidden = true;
      for (const b of $("mfa-choices").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
      const params = { mfa_token: state.mfaToken };
      if (factor === "otp") params.challenge_types_supported = GRANT.mfaOtp;
      else if (factor === "webauthn") params.challenge_types_supported = GRANT.mfaWebauthn;
      else if (factor === "recovery") params.challenge_types_supported = GRANT.mfaRecovery;
      else { params.channel_hint = factor; params.challenge_types_supported = GRANT.mfaOob; }
      const { status, body } = await oauth("challenge", params);
      if (status !== 200) throw new Error(describe(body, "That method is not available for your account."));
      state.factor = factor;
      if (factor === "webauthn") {
        say("Waiting for your passkey…");
        const assertion = await getPasskey(body.publicKey);
        return afterToken(await token({ grant_type: GRANT.mfaWebauthn, mfa_token: state.mfaToken, ...assertion }));
      }
      if (factor === "push") return waitForPush(body);
      state.oobCode = body.oob_code || null;
      $("code-label").textContent = CODE_LABELS[factor];
      $("code").value = "";
      $("code").setAttribute("inputmode", factor === "recovery" ? "text" : "numeric");
      $("code-form").hidden = false;
      say(factor === "sms" ? "We texted you a code." : factor === "voice" ? "We are calling you with a code." : "");
      focusOn($("code"));
    }));
  }

  $("code-form").addEventListener("submit", e => {
    e.preventDefault();
    clearError();
    const code = $("code").value.trim();
    if (!code) return fail("Enter the code.");
    return busy(e.submitter, async () => {
      const mfa = { mfa_token: state.mfaToken };
      if (state.factor === "otp") await afterToken(await token({ grant_type: GRANT.mfaOtp, ...mfa, otp: code }));
      else if (state.factor === "recovery") await afterToken(await token({ grant_type: GRANT.mfaRecovery, ...mfa, recovery_code: code }));
      else await afterToken(await token({ grant_type: GRANT.mfaOob, ...mfa, oob_code: state.oobCode, binding_code: code }));
    });
  });

  async function waitForPush(challenge) {
    const run = ++state.polling;
    $("push-wait").hidden = false;
    $("binding-code").textContent = challenge.binding_code || "";
    say(challenge.binding_code ? `Tap ${challenge.binding_code} in your authenticator app.` : "Approve the sign-in in your authenticator app.");
    let interval = (challenge.interval || 5) * 1000;
    for (;;) {
      await sleep(interval);
      if (run !== state.polling) return;
      const answer = await token({ grant_type: GRANT.mfaOob, mfa_token: state.mfaToken, oob_code: challenge.oob_code });
      if (run !== state.polling) return;
      if (answer.status === 400 && answer.body.error === "authorization_pending") continue;
      if (answer.status === 400 && answer.body.error === "slow_down") { interval += 5000; continue; }
      $("push-wait").hidden = true;
      return afterToken(answer);
    }
  }

  $("mfa-restart").addEventListener("click", () => { state.polling++; showSignIn(!!state.stepUp); });

  // ---- the signed-in page ---------------------------------------------------------------------------------
  function signedIn(session, resumed) {
    state.csrf = session.csrfToken;
    state.user = session.user;
    $("whoami").textContent = session.user.login;
    $("whoami").hidden = false;
    $("signout").hidden = false;
    show("account");
    window.dispatchEvent(new CustomEvent("myaccount:signedin", { detail: { resumed: !!resumed } }));
  }

  $("signout").addEventListener("click", e => busy(e.currentTarget, async () => {
    await fetch("/myaccount/session", { method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": state.csrf || "" } });
    state.csrf = null;
    state.user = null;
    $("whoami").hidden = true;
    $("signout").hidden = true;
    showSignIn(false);
    say("You are signed out.");
  }));

  // The MyAccount API with the session: insufficient_user_authentication (RFC 9470: 401 with that error in
  // WWW-Authenticate) asks for a fresh sign-in (max_age), after which the call is retried once; any other 401
  // means the session is over.
  async function api(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const headers = { Accept: "application/json" };
      if (method !== "GET") headers["X-CSRF-Token"] = state.csrf || "";
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const response = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await readJson(response);
      const challenge = response.headers.get("WWW-Authenticate") || "";
      const insufficient = (response.status === 401 || response.status === 403) && challenge.includes("insufficient_user_authentication");
      if (insufficient && attempt === 0) {
        const maxAge = /max_age="?(\d+)/.exec(challenge), acr = /acr_values="([^"]*)"/.exec(challenge);
        await stepUp(maxAge ? Number(maxAge[1]) : 0, acr ? acr[1] : null);
        continue;
      }
      if (response.status === 401 && !insufficient) {
        showSignIn(false);
        throw new Error("Your session has ended. Sign in again.");
      }
      return { status: response.status, body: json, ok: response.ok };
    }
  }

  // Resolves after the person signed in again; rejects (nothing changed) when they cancel.
  function stepUp(maxAge, acrValues) {
    return new Promise((resolve, reject) => {
      state.maxAge = maxAge;
      state.acrValues = acrValues;
      state.stepUp = {
        resume: () => { say("Thanks, that was you. Continuing…"); resolve(); },
        cancel: () => reject(new Error("The change was cancelled: nothing was changed.")),
      };
      state.polling++;
      showSignIn(true);
    });
  }

  $("stepup-cancel").addEventListener("click", () => {
    const pending = state.stepUp;
    state.stepUp = null;
    state.maxAge = null;
    state.acrValues = null;
    show("account");
    if (pending) pending.cancel();
  });

  window.myAccount = { api, say, fail, clearError, focusOn, busy, describe, fromB64url, toB64url, state, show };

  // ---- start ------------------------------------------------------------------------------------------------
  (async () => {
    const response = await fetch("/myaccount/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) signedIn(await readJson(response));
    else showSignIn(false);
    document.body.dataset.ready = "true";
  })();
})();
