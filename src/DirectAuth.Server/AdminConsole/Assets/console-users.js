// Users: search and create (/api/v1/users), one user's lifecycle and factors (/api/v1/users/{id}/factors),
// enrolling an authenticator app (QR on screen), a phone (SMS/voice code) or a push device (pairing QR) for them.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;
  const PAGE = 20;
  const STATUS_KIND = { ACTIVE: "ok", STAGED: "warn", PROVISIONED: "warn", SUSPENDED: "bad", LOCKED_OUT: "bad", DEPROVISIONED: "bad", PASSWORD_EXPIRED: "warn" };
  const FACTOR_NAMES = { "token:software:totp": "Authenticator app (TOTP)", push: "Push (authenticator app)", sms: "SMS", call: "Voice call", webauthn: "Passkey" };
  const enc = encodeURIComponent;

  // ---- the list ---------------------------------------------------------------------------------------------
  async function list(container) {
    const search = h("input", { id: "user-q", type: "search", placeholder: "Login, email, first or last name", "aria-label": "Search users" });
    const results = h("div", {});
    const cursors = [""];
    const load = async () => {
      const q = search.value.trim();
      const after = cursors[cursors.length - 1];
      const { ok, body, headers } = await c.api("GET", `/api/v1/users?limit=${PAGE}${q ? "&q=" + enc(q) : ""}${after ? "&after=" + enc(after) : ""}`);
      if (!ok) throw new Error(c.describe(body, "The users could not be listed."));
      const next = /after=([^&>]+)/.exec(headers.get("Link") || "");
      results.replaceChildren(body.length === 0
        ? h("p", { class: "empty" }, q ? `No user matches "${q}".` : "No users yet. Create the first one.")
        : h("table", {}, h("thead", {}, h("tr", {}, ["Login", "Name", "Status", "Last sign-in"].map(x => h("th", { scope: "col" }, x)))),
          h("tbody", {}, body.map(u => h("tr", {},
            h("td", {}, h("a", { href: `#users/${enc(u.id)}` }, u.profile.login)),
            h("td", {}, [u.profile.firstName, u.profile.lastName].filter(Boolean).join(" ")),
            h("td", {}, c.badge(u.status, STATUS_KIND[u.status])),
            h("td", {}, c.when(u.lastLogin)))))),
        h("div", { class: "pager" },
          h("button", { type: "button", disabled: cursors.length === 1, onclick: () => { cursors.pop(); load(); } }, "Previous"),
          h("button", { type: "button", disabled: !next, onclick: () => { cursors.push(decodeURIComponent(next[1])); load(); } }, "Next")));
    };
    const form = h("form", { class: "search", role: "search", onsubmit: e => { e.preventDefault(); cursors.length = 1; c.busy(e.submitter, load); } },
      search, h("button", { type: "submit" }, "Search"));
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Users"), h("a", { class: "button primary", href: "#users/new" }, "Create user")),
      h("div", { class: "card" }, form, results));
    await load();
  }

  // ---- create -----------------------------------------------------------------------------------------------
  function create(container) {
    const field = (id, label, name, attrs) => [h("label", { for: id }, label), h("input", { id, "data-field": name, ...attrs })];
    const form = h("form", { id: "user-form", novalidate: true },
      h("div", { class: "grid2" },
        h("div", {}, field("user-login", "Login (usually the email address)", "login", { autocomplete: "off", required: true })),
        h("div", {}, field("user-email", "Email", "email", { type: "email", autocomplete: "off" })),
        h("div", {}, field("user-first", "First name", "firstName", {})),
        h("div", {}, field("user-last", "Last name", "lastName", {})),
        h("div", {}, field("user-phone", "Mobile phone", "mobilePhone", { type: "tel", placeholder: "+14155552671" })),
        h("div", {}, field("user-password", "Initial password", "password", { type: "password", autocomplete: "new-password" }))),
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: "user-activate", checked: true }), "Activate now (else the user is STAGED)"),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create user"), h("a", { class: "button", href: "#users" }, "Cancel")));
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      const v = id => form.querySelector("#" + id).value.trim();
      const request = { profile: { login: v("user-login"), email: v("user-email") || v("user-login"), firstName: v("user-first"), lastName: v("user-last") } };
      if (v("user-phone")) request.profile.mobilePhone = v("user-phone");
      const password = form.querySelector("#user-password").value;
      if (password) request.credentials = { password: { value: password } };
      return c.busy(e.submitter, async () => {
        const { ok, body } = await c.api("POST", `/api/v1/users${form.querySelector("#user-activate").checked ? "" : "?activate=false"}`, request);
        if (!ok) return c.formError(form, body, "The user could not be created.");
        c.say(`Created ${body.profile.login}.`);
        location.hash = `#users/${enc(body.id)}`;
      });
    });
    container.replaceChildren(h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Create user")), h("div", { class: "card" }, form));
    form.querySelector("#user-login").focus();
  }

  // ---- one user ---------------------------------------------------------------------------------------------
  const LIFECYCLE = {
    ACTIVE: [["suspend", "Suspend"], ["expire_password", "Expire password"], ["deactivate", "Deactivate"]],
    LOCKED_OUT: [["unlock", "Unlock"], ["deactivate", "Deactivate"]],
    PASSWORD_EXPIRED: [["suspend", "Suspend"], ["deactivate", "Deactivate"]],
    SUSPENDED: [["unsuspend", "Unsuspend"], ["deactivate", "Deactivate"]],
    STAGED: [["activate", "Activate"], ["deactivate", "Deactivate"]],
    PROVISIONED: [["activate", "Activate"], ["deactivate", "Deactivate"]],
    DEPROVISIONED: [["activate", "Activate"]],
  };

  function factorDetail(f) {
    const p = f.profile || {};
    return p.phoneNumber || p.name || p.authenticatorName || p.deviceName || p.credentialId || "";
  }

  async function show(container, id) {
    const [user, factors] = await Promise.all([c.api("GET", `/api/v1/users/${enc(id)}`), c.api("GET", `/api/v1/users/${enc(id)}/factors`)]);
    if (!user.ok) throw new Error(c.describe(user.body, "The user could not be found."));
    const u = user.body;
    const enroll = h("div", { id: "enroll", class: "panel", hidden: true });
    const lifecycle = (LIFECYCLE[u.status] || []).map(([op, label]) => h("button", {
      type: "button", class: op === "deactivate" ? "danger" : "", onclick: e => c.busy(e.currentTarget, async () => {
        const { ok, body } = await c.api("POST", `/api/v1/users/${enc(u.id)}/lifecycle/${op}`);
        if (!ok) throw new Error(c.describe(body, `${label} failed.`));
        c.say(`${label}: done for ${u.profile.login}.`);
        await show(container, id);
      }),
    }, label));
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, u.profile.login), c.badge(u.status, STATUS_KIND[u.status])),
      h("div", { class: "card" },
        h("dl", { class: "facts" },
          h("dt", {}, "ID"), h("dd", { class: "mono" }, u.id),
          h("dt", {}, "Name"), h("dd", {}, [u.profile.firstName, u.profile.lastName].filter(Boolean).join(" ") || "—"),
          h("dt", {}, "Email"), h("dd", {}, u.profile.email || "—"),
          h("dt", {}, "Mobile phone"), h("dd", {}, u.profile.mobilePhone || "—"),
          h("dt", {}, "Created"), h("dd", {}, c.when(u.created)),
          h("dt", {}, "Last sign-in"), h("dd", {}, c.when(u.lastLogin))),
        h("div", { class: "actions" }, lifecycle)),
      h("div", { class: "card" },
        h("h3", {}, "Factors"),
        factors.ok ? c.table(["Factor", "Device or phone", "Status", "Enrolled", ""], factors.body, f => h("tr", {},
          h("td", {}, FACTOR_NAMES[f.factorType] || f.factorType),
          h("td", {}, factorDetail(f)),
          h("td", {}, c.badge(f.status, f.status === "ACTIVE" ? "ok" : "warn")),
          h("td", {}, c.when(f.created)),
          h("td", { class: "actions-cell" }, h("button", { type: "button", class: "danger", "aria-label": `Reset ${FACTOR_NAMES[f.factorType] || f.factorType}`,
            onclick: e => {
              if (!confirm(`Reset (delete) this ${FACTOR_NAMES[f.factorType] || f.factorType} factor of ${u.profile.login}?`)) return;
              return c.busy(e.currentTarget, async () => {
                const { ok, body } = await c.api("DELETE", `/api/v1/users/${enc(u.id)}/factors/${enc(f.id)}`);
                if (!ok) throw new Error(c.describe(body, "The factor could not be reset."));
                c.say("Factor reset.");
                await show(container, id);
              });
            } }, "Reset"))),
        "No factors: this user signs in with the password only.") : h("p", { class: "error" }, c.describe(factors.body, "The factors could not be listed.")),
        h("div", { class: "actions" },
          h("button", { type: "button", onclick: () => enrollTotp(enroll, container, u) }, "Enroll authenticator app (TOTP)"),
          h("button", { type: "button", onclick: () => enrollPhone(enroll, container, u, "sms") }, "Enroll phone (SMS)"),
          h("button", { type: "button", onclick: () => enrollPhone(enroll, container, u, "call") }, "Enroll phone (voice)"),
          h("button", { type: "button", onclick: () => enrollPush(enroll, container, u) }, "Pair push device")),
        enroll));
  }

  function panel(enroll, title, ...content) {
    enroll.hidden = false;
    enroll.replaceChildren(h("h3", { tabindex: "-1", id: "enroll-title" }, title), ...content);
    c.focusOn(enroll.querySelector("h3"));
  }

  function activationForm(enroll, container, u, factorId, label, after) {
    const form = h("form", { id: "activate-form", novalidate: true },
      h("label", { for: "pass-code" }, label),
      h("input", { id: "pass-code", "data-field": "passCode", inputmode: "numeric", autocomplete: "one-time-code" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Activate")));
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      return c.busy(e.submitter, async () => {
        const { ok, body } = await c.api("POST", `/api/v1/users/${enc(u.id)}/factors/${enc(factorId)}/lifecycle/activate`,
          { passCode: form.querySelector("#pass-code").value.trim() });
        if (!ok) return c.formError(form, body, "The factor could not be activated.");
        c.say("Factor activated.");
        await show(container, u.id);
        if (after) after(body);
      });
    });
    return form;
  }

  async function enrollTotp(enroll, container, u) {
    const { ok, body } = await c.api("POST", `/api/v1/users/${enc(u.id)}/factors`, { factorType: "token:software:totp", provider: "GOOGLE" });
    if (!ok) return c.fail(c.describe(body, "The authenticator app could not be enrolled."));
    const a = body._embedded.activation;
    panel(enroll, "Enroll an authenticator app",
      h("p", {}, `Let ${u.profile.login} scan this code with their authenticator app, then enter the code the app shows.`),
      h("img", { class: "qr", id: "totp-qr", src: a._links.qrcode.href, alt: "QR code for the authenticator app" }),
      h("p", { class: "note" }, "Or type this key into the app: ", h("span", { class: "secret", id: "totp-secret" }, a.sharedSecret)),
      activationForm(enroll, container, u, body.id, "Code from the app", activated => {
        const codes = activated && activated._embedded && activated._embedded.recoveryCodes;
        if (!codes) return;
        const e2 = container.querySelector("#enroll");
        panel(e2, "Recovery codes", h("p", {}, `Give these to ${u.profile.login}: each works once, and they are shown only now.`),
          h("ul", { class: "mono", id: "recovery-codes" }, codes.map(x => h("li", {}, x))));
      }));
  }

  function enrollPhone(enroll, container, u, type) {
    const form = h("form", { id: "phone-form", novalidate: true },
      h("label", { for: "phone-number" }, "Phone number (E.164)"),
      h("input", { id: "phone-number", type: "tel", "data-field": "phoneNumber", value: u.profile.mobilePhone || "", placeholder: "+14155552671" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, type === "sms" ? "Text a code" : "Call with a code")));
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      return c.busy(e.submitter, async () => {
        const { ok, body } = await c.api("POST", `/api/v1/users/${enc(u.id)}/factors`,
          { factorType: type, provider: "OKTA", profile: { phoneNumber: form.querySelector("#phone-number").value.trim() } });
        if (!ok) return c.formError(form, body, "The phone could not be enrolled.");
        panel(enroll, type === "sms" ? "Enroll phone (SMS)" : "Enroll phone (voice)",
          h("p", {}, `We ${type === "sms" ? "texted" : "are calling"} ${body.profile.phoneNumber} with a code. Ask ${u.profile.login} for it.`),
          activationForm(enroll, container, u, body.id, "Code the user received"));
      });
    });
    panel(enroll, type === "sms" ? "Enroll phone (SMS)" : "Enroll phone (voice)", form);
  }

  async function enrollPush(enroll, container, u) {
    const { ok, body } = await c.api("POST", `/api/v1/users/${enc(u.id)}/factors`, { factorType: "push", provider: "OKTA" });
    if (!ok) return c.fail(c.describe(body, "The push device could not be paired."));
    const a = body._embedded.activation;
    panel(enroll, "Pair a push device",
      h("p", {}, `Let ${u.profile.login} scan this code with the authenticator app (directauth authenticator), or use the activation link.`),
      h("img", { class: "qr", id: "push-qr", src: a._links.qrcode.href, alt: "QR code to pair the authenticator app" }),
      h("p", { class: "note" }, "Activation link: ", h("span", { class: "secret", id: "push-link" }, a.activationLink)),
      h("p", { class: "note", id: "push-status", role: "status" }, `Waiting for the device (until ${c.when(a.expiresAt)})…`));
    const deadline = new Date(a.expiresAt).getTime();
    while (Date.now() < deadline && document.contains(enroll) && !enroll.hidden && enroll.querySelector("#push-qr")) {
      await new Promise(r => setTimeout(r, 3000));
      const f = await c.api("GET", `/api/v1/users/${enc(u.id)}/factors/${enc(body.id)}`);
      if (f.ok && f.body.status === "ACTIVE") { c.say("Push device paired."); return show(container, u.id); }
    }
  }

  c.pages.users = (container, [id]) => id === "new" ? create(container) : id ? show(container, id) : list(container);
})();
