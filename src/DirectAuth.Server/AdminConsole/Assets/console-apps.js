// Apps: the OAuth clients (POST/GET/PUT /oauth2/v1/clients, lifecycle/newSecret, activate, deactivate).
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;

  const GRANT_LABELS = {
    "password": ["Password", "The user's password first (Resource Owner Password)."],
    "urn:okta:params:oauth:grant-type:otp": ["OTP as the only factor", "A code from the authenticator app, without a password."],
    "urn:okta:params:oauth:grant-type:oob": ["Push, SMS or voice as the only factor", "Out of band, without a password."],
    "urn:okta:params:oauth:grant-type:webauthn": ["Passkey as the only factor", "WebAuthn, without a password."],
    "http://auth0.com/oauth/grant-type/mfa-otp": ["MFA: OTP", "A code as the second factor after the password."],
    "http://auth0.com/oauth/grant-type/mfa-oob": ["MFA: push, SMS or voice", "Out of band as the second factor."],
    "urn:okta:params:oauth:grant-type:mfa-webauthn": ["MFA: passkey", "A passkey as the second factor."],
    "http://auth0.com/oauth/grant-type/mfa-recovery-code": ["MFA: recovery code", "A one-time recovery code as the second factor."],
    "refresh_token": ["Refresh token", "Keeps the user signed in."],
    "client_credentials": ["Client credentials", "A service app acting as itself (needs client authentication)."],
  };
  const DEFAULT_GRANTS = ["password", "refresh_token", "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
    "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob"];
  const TYPES = [["native", "Native app (mobile, desktop, CLI)"], ["browser", "Single-page app"], ["web", "Web app (server side)"], ["service", "Service (machine to machine)"]];
  const METHODS = [["none", "None (public client)"], ["client_secret_basic", "Client secret (HTTP Basic)"], ["client_secret_post", "Client secret (form body)"]];
  const grantName = g => (GRANT_LABELS[g] || [g])[0];
  const usesSecret = app => app.token_endpoint_auth_method === "client_secret_basic" || app.token_endpoint_auth_method === "client_secret_post";

  // The client id and secret, once: the server keeps only the secret's hash.
  function reveal(app, title) {
    return h("div", { class: "reveal", role: "region", "aria-label": title, tabindex: "-1", id: "secret-reveal" },
      h("h3", {}, title),
      h("dl", { class: "facts" },
        h("dt", {}, "Client ID"), h("dd", { class: "mono", id: "new-client-id" }, app.client_id),
        app.client_secret ? [h("dt", {}, "Client secret"), h("dd", { class: "secret", id: "new-client-secret" }, app.client_secret)] : []),
      app.client_secret ? h("p", { class: "note" }, "Copy the secret now: it is shown only this once.") : null);
  }

  async function list(container, notice) {
    const { ok, body } = await c.api("GET", "/oauth2/v1/clients");
    if (!ok) throw new Error(c.describe(body, "The apps could not be listed."));
    const apps = body.filter(a => a.client_id !== "directauth-console" && a.client_id !== "directauth-myaccount");
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Apps"), h("a", { class: "button primary", href: "#apps/new" }, "Set up your app")),
      notice || "",
      h("div", { class: "card" }, c.table(["Name", "Client ID", "Type", "Sign-in", "Client authentication", "Status", ""], apps, app => h("tr", {},
        h("td", {}, app.client_name),
        h("td", { class: "mono" }, app.client_id),
        h("td", {}, app.application_type),
        h("td", {}, app.grant_types.map(grantName).join(", ")),
        h("td", {}, app.token_endpoint_auth_method),
        h("td", {}, app.status === "ACTIVE" ? c.badge("Active", "ok") : c.badge("Inactive", "warn")),
        h("td", { class: "actions-cell" },
          usesSecret(app) ? h("button", { type: "button", onclick: e => rotate(e, container, app) }, "New secret") : null, " ",
          h("button", { type: "button", class: app.status === "ACTIVE" ? "danger" : "", onclick: e => lifecycle(e, container, app) },
            app.status === "ACTIVE" ? "Deactivate" : "Activate"))),
      "No apps yet. Set up your first app: it is what your sign-in client uses as its client_id.")));
    if (notice) c.focusOn(notice);
  }

  function rotate(e, container, app) {
    if (!confirm(`Make a new client secret for ${app.client_name}? The old one stops working.`)) return;
    return c.busy(e.currentTarget, async () => {
      const { ok, body } = await c.api("POST", `/oauth2/v1/clients/${encodeURIComponent(app.client_id)}/lifecycle/newSecret`);
      if (!ok) throw new Error(c.describe(body, "No new secret was made."));
      c.say(`New secret for ${app.client_name}.`);
      await list(container, reveal(body, `New client secret for ${app.client_name}`));
    });
  }

  function lifecycle(e, container, app) {
    const op = app.status === "ACTIVE" ? "deactivate" : "activate";
    return c.busy(e.currentTarget, async () => {
      const { ok, body } = await c.api("POST", `/oauth2/v1/clients/${encodeURIComponent(app.client_id)}/lifecycle/${op}`);
      if (!ok) throw new Error(c.describe(body, `The app could not be ${op}d.`));
      c.say(`${app.client_name} ${op}d.`);
      await list(container);
    });
  }

  function setUp(container) {
    const grants = c.grants.filter(g => g !== "authorization_code");
    const form = h("form", { id: "app-form", novalidate: true },
      h("label", { for: "app-name" }, "App name"),
      h("input", { id: "app-name", "data-field": "client_name", required: true, maxlength: 100 }),
      h("fieldset", {}, h("legend", {}, "Type"),
        TYPES.map(([value, label], i) => h("label", { class: "inline" },
          h("input", { type: "radio", name: "type", value, checked: i === 0, "data-field": i === 0 ? "application_type" : null }), label))),
      h("fieldset", {}, h("legend", {}, "Grant types: how users sign in"),
        grants.map(g => h("label", { class: "inline" },
          h("input", { type: "checkbox", name: "grant", value: g, checked: DEFAULT_GRANTS.includes(g) }),
          h("span", {}, grantName(g), GRANT_LABELS[g] ? h("small", {}, GRANT_LABELS[g][1]) : null)))),
      h("label", { for: "app-auth" }, "Client authentication"),
      h("select", { id: "app-auth", "data-field": "token_endpoint_auth_method" }, METHODS.map(([value, label]) => h("option", { value }, label))),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create app"), h("a", { class: "button", href: "#apps" }, "Cancel")));
    const type = () => form.querySelector("input[name=type]:checked").value;
    form.addEventListener("change", e => {
      if (e.target.name !== "type") return;
      form.querySelector("#app-auth").value = type() === "native" || type() === "browser" ? "none" : "client_secret_basic";
    });
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      return c.busy(e.submitter, async () => {
        const request = {
          client_name: form.querySelector("#app-name").value.trim(),
          application_type: type(),
          grant_types: [...form.querySelectorAll("input[name=grant]:checked")].map(x => x.value),
          token_endpoint_auth_method: form.querySelector("#app-auth").value,
        };
        const { ok, body } = await c.api("POST", "/oauth2/v1/clients", request);
        if (!ok) return c.formError(form, body, "The app could not be created.");
        c.say(`Created ${body.client_name}.`);
        history.replaceState(null, "", "#apps");
        await list(container, reveal(body, `${body.client_name} is ready`));
      });
    });
    container.replaceChildren(h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Set up your app")), h("div", { class: "card" }, form));
    form.querySelector("#app-name").focus();
  }

  c.pages.apps = (container, [sub]) => sub === "new" ? setUp(container) : list(container);
})();
