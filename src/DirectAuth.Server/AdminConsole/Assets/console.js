// The admin console. A first-party public client of this server: it signs an administrator in with the
// direct-auth grants (password, then a second factor; or a passkey alone), hands the access token to
// POST /console/session and forgets it. From then on the HttpOnly session cookie and the session's CSRF token
// authorize its calls to the management API (/api/v1, /oauth2/v1/clients), the same endpoints and rules the
// SSWS token uses: the console has no rules of its own. No framework, no build step.
"use strict";

(() => {
  const cfg = document.body.dataset;
  const GRANT = {
    password: "password",
    webauthn: "urn:okta:params:oauth:grant-type:webauthn",
    mfaOtp: "http://auth0.com/oauth/grant-type/mfa-otp",
    mfaOob: "http://auth0.com/oauth/grant-type/mfa-oob",
    mfaWebauthn: "urn:okta:params:oauth:grant-type:mfa-webauthn",
  };
  const $ = id => document.getElementById(id);
  const state = { csrf: null, user: null, mfaToken: null, factor: null, oobCode: null, polling: 0 };
  const pages = {};

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

  // h("button", { class: "primary", onclick: f }, "Save"): elements without innerHTML, so no value is ever markup.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  function say(text) { $("status").textContent = text || ""; }
  function clearError() { const e = $("error"); e.hidden = true; e.textContent = ""; }
  function fail(text) {
    const e = $("error");
    e.textContent = text;
    e.hidden = false;
    say("");
    e.focus();
  }
  function focusOn(el) { if (el) { if (!el.hasAttribute("tabindex") && !/^(INPUT|BUTTON|SELECT|A|TEXTAREA)$/.test(el.tagName)) el.setAttribute("tabindex", "-1"); el.focus(); } }
  function show(id) { for (const s of ["signin", "mfa", "workspace"]) $(s).hidden = s !== id; $("nav").hidden = id !== "workspace"; }
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
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form,
    });
    return { status: response.status, body: await readJson(response) };
  }
  const token = params => oauth("token", { scope: cfg.scopes, ...params });

  async function afterToken({ status, body }) {
    if (status === 200 && body.access_token) return startSession(body.access_token);
    if (status === 403 && body.error === "mfa_required") return showMfa(body.mfa_token);
    throw new Error(describe(body, "Sign-in failed."));
  }

  async function startSession(accessToken) {
    const response = await fetch("/console/session", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ access_token: accessToken }),
    });
    const body = await readJson(response);
    if (!response.ok) { showSignIn(); throw new Error(describe(body, "The session could not be started.")); }
    signedIn(body);
  }

  // ---- sign-in ----------------------------------------------------------------------------------------------
  function showSignIn() {
    state.polling++;
    show("signin");
    $("password").value = "";
    focusOn($("username"));
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
    await afterToken(await token({ grant_type: GRANT.webauthn, ...await getPasskey(body.publicKey) }));
  }));

  async function getPasskey(options) {
    const publicKey = {
      ...options, challenge: fromB64url(options.challenge),
      allowCredentials: (options.allowCredentials || []).map(c => ({ ...c, id: fromB64url(c.id) })),
    };
    if (publicKey.extensions && location.protocol !== "https:") {
      const { appid, ...rest } = publicKey.extensions; // Chromium refuses the U2F appid extension on http://localhost
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

  const CODE_LABELS = { otp: "Code from your authenticator app", sms: "Code we texted you" };

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
      else { params.channel_hint = factor; params.challenge_types_supported = GRANT.mfaOob; }
      const { status, body } = await oauth("challenge", params);
      if (status !== 200) throw new Error(describe(body, "That method is not available for your account."));
      state.factor = factor;
      if (factor === "webauthn") {
        say("Waiting for your passkey…");
        return afterToken(await token({ grant_type: GRANT.mfaWebauthn, mfa_token: state.mfaToken, ...await getPasskey(body.publicKey) }));
      }
      if (factor === "push") return waitForPush(body);
      state.oobCode = body.oob_code || null;
      $("code-label").textContent = CODE_LABELS[factor];
      $("code").value = "";
      $("code-form").hidden = false;
      say(factor === "sms" ? "We texted you a code." : "");
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

  $("mfa-restart").addEventListener("click", () => { clearError(); showSignIn(); });

  // ---- signed in: the pages ---------------------------------------------------------------------------------
  function signedIn(session) {
    state.csrf = session.csrfToken;
    state.user = session.user;
    $("whoami").textContent = session.user.login;
    $("whoami").hidden = false;
    $("signout").hidden = false;
    clearError();
    say(`Signed in as ${session.user.login}.`);
    show("workspace");
    route();
  }

  function signedOut(message) {
    state.csrf = null;
    state.user = null;
    $("whoami").hidden = true;
    $("signout").hidden = true;
    showSignIn();
    if (message) fail(message);
  }

  $("signout").addEventListener("click", e => busy(e.currentTarget, async () => {
    await fetch("/console/session", { method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": state.csrf || "" } });
    signedOut();
    say("You are signed out.");
  }));

  // The management API with the session cookie; a change carries the CSRF token. A 401 means the session is over
  // (idle timeout, lifetime, removed from the administrators' group): back to sign-in.
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = state.csrf || "";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await readJson(response);
    if (response.status === 401) {
      // The GET drops the cookie of the ended session (else the next sign-in's POST would need its CSRF token).
      await fetch("/console/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
      signedOut("Your console session has ended. Sign in again.");
      throw new Error("Your console session has ended. Sign in again.");
    }
    return { status: response.status, body: json, ok: response.ok, headers: response.headers };
  }

  // An API error shown where it belongs: next to the field the error names ("Api validation failed: name",
  // invalid_client_metadata naming a field), else at the top of the form.
  function formError(form, body, fallback) {
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    for (const bad of form.querySelectorAll("[aria-invalid=true]")) bad.removeAttribute("aria-invalid");
    const message = describe(body, fallback);
    const named = /^Api validation failed: (\S+)/.exec(body && body.errorSummary || "") || /^([a-z_]+) /.exec(body && body.error_description || "");
    const field = named && form.querySelector(`[data-field="${CSS.escape(named[1])}"]`);
    const note = h("p", { class: "field-error", role: "alert", id: `${form.id || "form"}-error` }, message);
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
      field.insertAdjacentElement("afterend", note);
      field.focus();
    } else {
      form.prepend(note);
      focusOn(note);
    }
  }
  function clearFormError(form) { for (const old of form.querySelectorAll(".field-error")) old.remove(); }

  // A table with an empty state and pages of 20 rows (lists come from the API whole, up to its limit).
  function table(columns, rows, renderRow, empty, pageSize = 20) {
    const box = h("div", {});
    let page = 0;
    const draw = () => {
      box.replaceChildren();
      if (rows.length === 0) { box.append(h("p", { class: "empty" }, empty)); return; }
      const pages = Math.ceil(rows.length / pageSize);
      page = Math.min(page, pages - 1);
      box.append(h("table", {}, h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows.slice(page * pageSize, (page + 1) * pageSize).map(renderRow))));
      if (pages > 1) {
        box.append(h("div", { class: "pager" },
          h("button", { type: "button", disabled: page === 0, onclick: () => { page--; draw(); } }, "Previous"),
          h("span", { class: "note" }, `Page ${page + 1} of ${pages}`),
          h("button", { type: "button", disabled: page === pages - 1, onclick: () => { page++; draw(); } }, "Next")));
      }
    };
    draw();
    return box;
  }

  const badge = (text, kind) => h("span", { class: `badge ${kind || ""}` }, text);
  const when = iso => iso ? new Date(iso).toLocaleString() : "—";

  async function route() {
    if (!state.csrf) return;
    const [name, ...rest] = (location.hash.replace(/^#/, "") || "apps").split("/");
    const page = pages[name] ? name : "apps";
    for (const a of $("nav").querySelectorAll("a")) {
      if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    }
    const container = $("page");
    container.replaceChildren(h("p", { class: "note" }, "Loading…"));
    try {
      await pages[page](container, rest.map(decodeURIComponent));
      document.body.dataset.page = page;
      const heading = container.querySelector("h2");
      if (heading && document.activeElement && document.activeElement.closest("nav")) focusOn(heading);
    } catch (e) {
      container.replaceChildren();
      fail(e && e.message ? e.message : String(e));
    }
  }
  window.addEventListener("hashchange", () => { clearError(); route(); });

  window.adminConsole = { api, h, say, fail, clearError, focusOn, busy, describe, formError, clearFormError, table, badge, when, pages, state, route, grants: cfg.grants.split(" ") };

  // ---- start ------------------------------------------------------------------------------------------------
  window.addEventListener("DOMContentLoaded", async () => {
    const response = await fetch("/console/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) signedIn(await readJson(response));
    else showSignIn();
    document.body.dataset.ready = "true";
  });
})();
