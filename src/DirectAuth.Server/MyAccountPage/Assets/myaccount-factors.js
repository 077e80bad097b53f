// The signed-in part of the My Account page: the person's factors and what they can do with them, all through
// the MyAccount API (/idp/myaccount) with the page's session (window.myAccount.api adds the CSRF token and
// handles step-up). One set of rules: the page only shows what the API answers.
"use strict";

(() => {
  const ma = window.myAccount;
  const $ = id => document.getElementById(id);
  const BASE = "/idp/myaccount";
  const TYPES = {
    "token:software:totp": "Authenticator app", sms: "Text message", call: "Voice call", push: "Push (authenticator app)",
    webauthn: "Passkey", email: "Email", question: "Security question",
  };
  const STATUS = { ACTIVE: "Active", PENDING_ACTIVATION: "Not finished", INACTIVE: "Inactive", EXPIRED: "Expired" };
  const panels = ["totp", "phone", "push", "passkey", "recovery", "password"];
  let totp = null, pendingPhone = null, pushWatch = 0;

  // ---- helpers ----------------------------------------------------------------------------------------------
  const maskPhone = n => (n && n.length > 4 ? "•".repeat(Math.min(6, n.length - 4)) + n.slice(-4) : n || "");
  const details = f => {
    const p = f.profile || {};
    if (f.factorType === "sms" || f.factorType === "call") return maskPhone(p.phoneNumber);
    if (f.factorType === "push") return p.name || p.deviceName || "";
    if (f.factorType === "webauthn") return p.authenticatorName || "";
    return "";
  };
  const day = iso => { try { return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }); } catch { return iso; } };
  const problem = (r, fallback) => ma.describe(r.body, fallback);

  // The error causes of an Okta error body name the field first ("newPassword: …"); shown at the field they name.
  function clearFieldErrors(form) {
    for (const p of form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
    for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  }
  function fieldError(inputId, text) {
    const input = $(inputId), p = $(`${inputId}-error`);
    p.textContent = text;
    p.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
  // fields maps the API's field names to input ids; an error naming none of them goes to the fallback field when
  // there is one (a wrong code is about the code field). Returns whether the error was shown at a field.
  function showAtField(r, fields, fallback) {
    const body = r.body;
    const causes = (body && body.errorCauses) || [];
    for (const c of causes) {
      const m = /^([\w.]+):\s*(.*)$/.exec(c.errorSummary || "");
      if (m && fields[m[1]]) { fieldError(fields[m[1]], m[2]); return true; }
    }
    if (fallback && (r.status === 400 || r.status === 403)) { fieldError(fallback, ma.describe(body, "That code did not work.")); return true; }
    return false;
  }

  // A modal confirmation (<dialog>): resolves true when the person confirms; Escape or Cancel is false.
  function confirmWith(title, text, action) {
    const dialog = $("confirm-dialog");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = action;
    const opener = document.activeElement;
    return new Promise(resolve => {
      const done = ok => {
        $("confirm-ok").onclick = $("confirm-cancel").onclick = dialog.oncancel = null;
        dialog.close();
        if (opener && opener.focus) opener.focus();
        resolve(ok);
      };
      $("confirm-ok").onclick = () => done(true);
      $("confirm-cancel").onclick = () => done(false);
      dialog.oncancel = e => { e.preventDefault(); done(false); };
      dialog.showModal();
      $("confirm-cancel").focus();
    });
  }

  // ---- the list ---------------------------------------------------------------------------------------------
  async function load() {
    const r = await ma.api("GET", `${BASE}/factors`);
    if (!r.ok) throw new Error(problem(r, "Your sign-in methods could not be loaded."));
    const body = $("factors").tBodies[0];
    body.replaceChildren();
    for (const f of r.body) {
      const row = body.insertRow();
      row.dataset.factorId = f.id;
      row.dataset.factorType = f.factorType;
      const label = TYPES[f.factorType] || f.factorType;
      const name = row.insertCell();
      name.textContent = label;
      row.insertCell().textContent = details(f);
      const status = row.insertCell();
      const badge = document.createElement("span");
      badge.className = f.status === "ACTIVE" ? "badge ok" : "badge";
      badge.textContent = STATUS[f.status] || f.status;
      status.append(badge);
      row.insertCell().textContent = day(f.created);
      const actions = row.insertCell();
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "danger";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${label}${details(f) ? " " + details(f) : ""}`);
      remove.addEventListener("click", () => ma.busy(remove, () => removeFactor(f, label)));
      actions.append(remove);
    }
    $("factors").hidden = r.body.length === 0;
    $("no-factors").hidden = r.body.length !== 0;
    return r.body;
  }

  async function removeFactor(factor, label) {
    ma.clearError();
    hideFactorsError();
    if (!await confirmWith(`Remove ${label}?`, "You will no longer be able to sign in with it.", "Remove")) return;
    const r = await ma.api("DELETE", `${BASE}/factors/${encodeURIComponent(factor.id)}`);
    if (r.status === 409) {
      // The last factor the sign-on policy needs: said next to the list it is about.
      const e = $("factors-error");
      e.textContent = problem(r, "This method cannot be removed.");
      e.hidden = false;
      ma.say("");
      ma.focusOn(e);
      return;
    }
    if (r.status !== 204) throw new Error(problem(r, "The method could not be removed."));
    await load();
    ma.say(`${label} removed.`);
    ma.focusOn($("factors-title"));
  }
  function hideFactorsError() { $("factors-error").hidden = true; $("factors-error").textContent = ""; }

  // ---- panels -----------------------------------------------------------------------------------------------
  function open(name) {
    ma.clearError();
    hideFactorsError();
    pushWatch++;
    for (const p of panels) $(`panel-${p}`).hidden = p !== name;
    for (const b of document.querySelectorAll("[data-panel]")) b.setAttribute("aria-expanded", String(b.dataset.panel === name));
    for (const f of $(`panel-${name}`).querySelectorAll("form")) clearFieldErrors(f);
    ma.focusOn($(`panel-${name}`).querySelector("h3"));
  }
  function closePanels() {
    pushWatch++;
    for (const p of panels) $(`panel-${p}`).hidden = true;
    for (const b of document.querySelectorAll("[data-panel]")) b.setAttribute("aria-expanded", "false");
  }

  async function enroll(body) {
    const r = await ma.api("POST", `${BASE}/factors`, body);
    return r;
  }
  async function added(text) {
    closePanels();
    await load();
    ma.say(text);
    ma.focusOn($("factors-title"));
  }

  // ---- TOTP -------------------------------------------------------------------------------------------------
  async function startTotp() {
    open("totp");
    $("totp-setup").hidden = true;
    const r = await enroll({ factorType: "token:software:totp", provider: "GOOGLE" });
    if (r.status !== 200) throw new Error(problem(r, "The authenticator app could not be added."));
    totp = r.body;
    const a = totp._embedded.activation;
    $("totp-qr").src = a._links.qrcode.href;
    $("totp-secret").textContent = a.sharedSecret.replace(/(.{4})/g, "$1 ").trim();
    $("totp-code").value = "";
    $("totp-setup").hidden = false;
    ma.say("Scan the QR code, then enter the code your app shows.");
  }
  $("totp-form").addEventListener("submit", e => {
    e.preventDefault();
    ma.clearError();
    clearFieldErrors(e.currentTarget);
    const code = $("totp-code").value.replace(/\s/g, "");
    if (!code) return fieldError("totp-code", "Enter the code your app shows.");
    return ma.busy(e.submitter, async () => {
      const r = await ma.api("POST", `${BASE}/factors/${encodeURIComponent(totp.id)}/lifecycle/activate`, { passCode: code });
      if (r.status !== 200) {
        if (showAtField(r, { passCode: "totp-code" }, "totp-code")) return;
        throw new Error(problem(r, "That code did not work. Try the next one."));
      }
      await addedWithCodes(r, "Authenticator app added.");
    });
  });

  // ---- phone ------------------------------------------------------------------------------------------------
  $("phone-form").addEventListener("submit", e => {
    e.preventDefault();
    ma.clearError();
    clearFieldErrors(e.currentTarget);
    const number = $("phone-number").value.trim();
    if (!number) return fieldError("phone-number", "Enter your phone number.");
    const method = document.querySelector("input[name=phone-method]:checked").value;
    return ma.busy(e.submitter, async () => {
      const r = await enroll({ factorType: method === "voice" ? "call" : "sms", provider: "OKTA", profile: { phoneNumber: number } });
      if (r.status !== 200) {
        if (showAtField(r, { phoneNumber: "phone-number", "profile.phoneNumber": "phone-number", profile: "phone-number" })) return;
        throw new Error(problem(r, "The phone could not be added."));
      }
      pendingPhone = r.body;
      $("phone-verify-form").hidden = false;
      $("phone-code").value = "";
      ma.say(method === "voice" ? "We are calling you with a code." : "We texted you a code.");
      ma.focusOn($("phone-code"));
    });
  });
  $("phone-verify-form").addEventListener("submit", e => {
    e.preventDefault();
    ma.clearError();
    clearFieldErrors(e.currentTarget);
    const code = $("phone-code").value.trim();
    if (!code) return fieldError("phone-code", "Enter the code you received.");
    return ma.busy(e.submitter, async () => {
      const r = await ma.api("POST", `${BASE}/factors/${encodeURIComponent(pendingPhone.id)}/lifecycle/activate`, { passCode: code });
      if (r.status !== 200) {
        if (showAtField(r, { passCode: "phone-code" }, "phone-code")) return;
        throw new Error(problem(r, "That code did not work."));
      }
      $("phone-verify-form").hidden = true;
      $("phone-number").value = "";
      await addedWithCodes(r, "Phone added.");
    });
  });
  $("phone-resend").addEventListener("click", e => ma.busy(e.currentTarget, async () => {
    ma.clearError();
    const r = await ma.api("POST", `${BASE}/factors/${encodeURIComponent(pendingPhone.id)}/resend`, {});
    if (r.status !== 200) throw new Error(problem(r, "A new code could not be sent."));
    ma.say("We sent you a new code.");
    ma.focusOn($("phone-code"));
  }));

  // ---- push device ------------------------------------------------------------------------------------------
  async function startPush() {
    open("push");
    $("push-setup").hidden = true;
    const r = await enroll({ factorType: "push", provider: "OKTA" });
    if (r.status !== 200) throw new Error(problem(r, "The push device could not be added."));
    const factor = r.body, a = factor._embedded.activation;
    $("push-qr").src = a._links.qrcode.href;
    $("push-link").href = a.activationLink;
    $("push-link").textContent = a.activationLink;
    $("push-setup").hidden = false;
    ma.say("Scan the QR code with your authenticator app.");
    const run = ++pushWatch;
    const until = a.expiresAt ? Date.parse(a.expiresAt) : Date.now() + 10 * 60 * 1000;
    while (run === pushWatch && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 2000));
      if (run !== pushWatch) return;
      const s = await ma.api("GET", `${BASE}/factors/${encodeURIComponent(factor.id)}`);
      if (run !== pushWatch) return;
      if (s.ok && s.body.status === "ACTIVE") return added("Push device added.");
    }
    if (run === pushWatch) ma.fail("The QR code expired. Choose Add a push device to get a new one.");
  }

  // ---- passkey ----------------------------------------------------------------------------------------------
  $("passkey-form").addEventListener("submit", e => {
    e.preventDefault();
    ma.clearError();
    clearFieldErrors(e.currentTarget);
    const name = $("passkey-name").value.trim();
    return ma.busy(e.submitter, async () => {
      const r = await enroll({ factorType: "webauthn", provider: "FIDO", ...(name ? { profile: { authenticatorName: name } } : {}) });
      if (r.status !== 200) {
        if (showAtField(r, { authenticatorName: "passkey-name" })) return;
        throw new Error(problem(r, "The passkey could not be added."));
      }
      const factor = r.body, o = factor._embedded.activation;
      const publicKey = {
        ...o, challenge: ma.fromB64url(o.challenge), user: { ...o.user, id: ma.fromB64url(o.user.id) },
        excludeCredentials: (o.excludeCredentials || []).map(c => ({ ...c, id: ma.fromB64url(c.id) })),
      };
      ma.say("Follow your browser's prompt to create the passkey.");
      let credential;
      try { credential = await navigator.credentials.create({ publicKey }); }
      catch (err) {
        throw new Error(err && err.name === "InvalidStateError" ? "This device already has a passkey for your account."
          : err && err.name === "NotAllowedError" ? "The passkey was not created: the request was cancelled or timed out." : "The passkey was not created.");
      }
      const done = await ma.api("POST", `${BASE}/factors/${encodeURIComponent(factor.id)}/lifecycle/activate`, {
        attestation: ma.toB64url(credential.response.attestationObject), clientData: ma.toB64url(credential.response.clientDataJSON),
      });
      if (done.status !== 200) throw new Error(problem(done, "The passkey was not accepted."));
      $("passkey-name").value = "";
      await addedWithCodes(done, "Passkey added.");
    });
  });

  // ---- recovery codes ---------------------------------------------------------------------------------------
  // A user's first factor (and every TOTP) brings recovery codes in the activation's answer: show them this once.
  async function addedWithCodes(r, message) {
    await added(message);
    const codes = r.body && r.body._embedded && r.body._embedded.recoveryCodes;
    if (codes && codes.length) {
      open("recovery");
      showCodes(codes);
      ma.say(`${message} Save your recovery codes now: they are shown only once.`);
    }
  }
  async function startRecovery() {
    open("recovery");
    $("recovery-result").hidden = true;
    const r = await ma.api("GET", `${BASE}/recovery-codes`);
    $("recovery-remaining").textContent = r.ok
      ? (r.body.remaining ? `You have ${r.body.remaining} unused recovery codes.` : "You have no recovery codes.") : "";
    $("recovery-remaining").dataset.remaining = r.ok ? String(r.body.remaining || 0) : "0";
  }
  function showCodes(codes) {
    const list = $("recovery-codes");
    list.replaceChildren(...codes.map(c => { const li = document.createElement("li"); li.textContent = c; return li; }));
    const link = $("recovery-download");
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([
      `DirectAuth recovery codes for ${ma.state.user.login}\nEach code works once.\n\n${codes.join("\n")}\n`], { type: "text/plain" }));
    $("recovery-remaining").textContent = `You have ${codes.length} unused recovery codes.`;
    $("recovery-remaining").dataset.remaining = String(codes.length);
    $("recovery-result").hidden = false;
    ma.focusOn($("recovery-saved-title"));
  }
  $("recovery-generate").addEventListener("click", e => ma.busy(e.currentTarget, async () => {
    ma.clearError();
    if (Number($("recovery-remaining").dataset.remaining || 0) > 0
      && !await confirmWith("Replace your recovery codes?", "The codes you have now stop working.", "Make new codes")) return;
    const r = await ma.api("POST", `${BASE}/recovery-codes`);
    if (r.status !== 200) throw new Error(problem(r, "New recovery codes could not be made."));
    showCodes(r.body.recoveryCodes);
    ma.say("New recovery codes made. Save them now: they are shown only once.");
  }));
  $("recovery-print").addEventListener("click", () => window.print());

  // ---- password ---------------------------------------------------------------------------------------------
  $("password-change-form").addEventListener("submit", e => {
    e.preventDefault();
    ma.clearError();
    const form = e.currentTarget;
    clearFieldErrors(form);
    const oldPassword = $("current-password").value, newPassword = $("new-password").value;
    if (!oldPassword) return fieldError("current-password", "Enter your current password.");
    if (!newPassword) return fieldError("new-password", "Enter a new password.");
    if (newPassword !== $("confirm-password").value) return fieldError("confirm-password", "The new passwords do not match.");
    return ma.busy(e.submitter, async () => {
      const revokeSessions = $("revoke-sessions").checked;
      const r = await ma.api("POST", `${BASE}/password/change-password`, { oldPassword, newPassword, revokeSessions });
      if (r.status !== 204 && r.status !== 200) {
        if (showAtField(r, { oldPassword: "current-password", newPassword: "new-password" })) return;
        throw new Error(problem(r, "The password was not changed."));
      }
      for (const id of ["current-password", "new-password", "confirm-password"]) $(id).value = "";
      closePanels();
      ma.say(revokeSessions ? "Password changed. Your other apps and devices are signed out." : "Password changed.");
      ma.focusOn($("factors-title"));
    });
  });

  // ---- wiring -----------------------------------------------------------------------------------------------
  const starters = { totp: startTotp, push: startPush, recovery: startRecovery };
  for (const b of document.querySelectorAll("[data-panel]")) {
    b.setAttribute("aria-expanded", "false");
    b.setAttribute("aria-controls", `panel-${b.dataset.panel}`);
    b.addEventListener("click", () => ma.busy(b, async () => {
      if (starters[b.dataset.panel]) return starters[b.dataset.panel]();
      open(b.dataset.panel);
      if (b.dataset.panel === "phone") $("phone-verify-form").hidden = true;
      const first = $(`panel-${b.dataset.panel}`).querySelector("input, button.primary");
      if (first) first.focus();
    }));
  }
  for (const b of document.querySelectorAll("[data-close]")) b.addEventListener("click", () => { closePanels(); ma.say(""); ma.focusOn($("add-title")); });

  // A step-up sign-in (resumed) continues the change it interrupted; a new sign-in starts from the list.
  window.addEventListener("myaccount:signedin", e => {
    if (!(e.detail && e.detail.resumed)) closePanels();
    load().catch(err => ma.fail(err.message));
  });
})();
