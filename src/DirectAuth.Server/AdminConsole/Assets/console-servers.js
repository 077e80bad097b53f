// Authorization servers (/api/v1/authorizationServers): issuer and signing algorithm, scopes, signing keys with rotation.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;
  const enc = encodeURIComponent;

  async function list(container) {
    const { ok, body } = await c.api("GET", "/api/v1/authorizationServers");
    if (!ok) throw new Error(c.describe(body, "The authorization servers could not be listed."));
    const form = h("form", { id: "server-form", novalidate: true },
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "server-name" }, "Name"), h("input", { id: "server-name", "data-field": "name" })),
        h("div", {}, h("label", { for: "server-audience" }, "Audience"), h("input", { id: "server-audience", "data-field": "audiences", placeholder: "api://payroll" })),
        h("div", {}, h("label", { for: "server-alg" }, "Signing algorithm"),
          h("select", { id: "server-alg", "data-field": "signingAlg" }, h("option", { value: "RS256" }, "RS256"), h("option", { value: "ES256" }, "ES256")))),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Add authorization server")));
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      const v = id => form.querySelector("#" + id).value.trim();
      return c.busy(e.submitter, async () => {
        const r = await c.api("POST", "/api/v1/authorizationServers", { name: v("server-name"), audiences: v("server-audience") ? [v("server-audience")] : [], signingAlg: v("server-alg") });
        if (!r.ok) return c.formError(form, r.body, "The authorization server could not be created.");
        c.say(`Authorization server ${r.body.name} created.`);
        location.hash = `#servers/${enc(r.body.id)}`;
      });
    });
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Authorization servers")),
      h("div", { class: "card" }, c.table(["Name", "Issuer", "Audience", "Signing", "Status"], body, s => h("tr", {},
        h("td", {}, h("a", { href: `#servers/${enc(s.id)}` }, s.name)), h("td", { class: "mono" }, s.issuer), h("td", { class: "mono" }, s.audiences.join(", ")),
        h("td", {}, s.signingAlg), h("td", {}, c.badge(s.status, s.status === "ACTIVE" ? "ok" : "warn"))), "No authorization servers.")),
      h("div", { class: "card" }, h("h3", {}, "New authorization server"), form));
  }

  async function show(container, id) {
    const [server, scopes, keys] = await Promise.all([c.api("GET", `/api/v1/authorizationServers/${enc(id)}`),
      c.api("GET", `/api/v1/authorizationServers/${enc(id)}/scopes`), c.api("GET", `/api/v1/authorizationServers/${enc(id)}/credentials/keys`)]);
    if (!server.ok) throw new Error(c.describe(server.body, "The authorization server could not be found."));
    const s = server.body;
    const add = h("form", { id: "scope-form", novalidate: true },
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "scope-name" }, "Scope"), h("input", { id: "scope-name", "data-field": "name", placeholder: "payroll:read" })),
        h("div", {}, h("label", { for: "scope-description" }, "Description"), h("input", { id: "scope-description", "data-field": "description" }))),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Add scope")));
    add.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(add);
      return c.busy(e.submitter, async () => {
        const r = await c.api("POST", `/api/v1/authorizationServers/${enc(id)}/scopes`,
          { name: add.querySelector("#scope-name").value.trim(), description: add.querySelector("#scope-description").value.trim() || null });
        if (!r.ok) return c.formError(add, r.body, "The scope could not be added.");
        c.say(`Scope ${r.body.name} added.`);
        await show(container, id);
      });
    });
    const rotate = h("button", { type: "button", onclick: e => {
      if (!confirm(`Rotate the signing key of ${s.name}? New tokens are signed with a new key; the old one stays published for tokens already issued.`)) return;
      return c.busy(e.currentTarget, async () => {
        const r = await c.api("POST", `/api/v1/authorizationServers/${enc(id)}/credentials/lifecycle/keyRotate`);
        if (!r.ok) throw new Error(c.describe(r.body, "The key could not be rotated."));
        c.say(`Signing key rotated: ${r.body[0].kid} is active.`);
        await show(container, id);
      });
    } }, "Rotate signing key");
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, s.name), h("a", { class: "button", href: "#servers" }, "All servers")),
      h("div", { class: "card" }, h("dl", { class: "facts" },
        h("dt", {}, "ID"), h("dd", { class: "mono" }, s.id), h("dt", {}, "Issuer"), h("dd", { class: "mono" }, s.issuer),
        h("dt", {}, "Audience"), h("dd", { class: "mono" }, s.audiences.join(", ")), h("dt", {}, "Signing"), h("dd", {}, s.signingAlg))),
      h("div", { class: "card" }, h("div", { class: "head" }, h("h3", {}, "Signing keys"), rotate),
        c.table(["Key id", "Algorithm", "Status", "Created", "Published until"], keys.ok ? keys.body : [], k => h("tr", {},
          h("td", { class: "mono" }, k.kid), h("td", {}, k.alg), h("td", {}, c.badge(k.status, k.status === "ACTIVE" ? "ok" : "")),
          h("td", {}, c.when(k.created)), h("td", {}, c.when(k.publishedUntil))), "No keys yet: the first token signed makes one.")),
      h("div", { class: "card" }, h("h3", {}, "Scopes"),
        c.table(["Scope", "Description", ""], scopes.ok ? scopes.body : [], x => h("tr", {},
          h("td", { class: "mono" }, x.name), h("td", {}, x.description || ""),
          h("td", { class: "actions-cell" }, x.system ? c.badge("built in") : h("button", { type: "button", class: "danger", "aria-label": `Delete scope ${x.name}`,
            onclick: e => c.busy(e.currentTarget, async () => {
              const r = await c.api("DELETE", `/api/v1/authorizationServers/${enc(id)}/scopes/${enc(x.name)}`);
              if (!r.ok) throw new Error(c.describe(r.body, "The scope could not be deleted."));
              c.say(`Scope ${x.name} deleted.`);
              await show(container, id);
            }) }, "Delete"))), "No scopes."),
        h("div", { class: "panel" }, add)));
  }

  c.pages.servers = (container, [id]) => id ? show(container, id) : list(container);
})();
