// Sign-on policies and their rules (/api/v1/policies, /policies/{id}/rules, /apps/{clientId}/policies/{id}):
// groups shown by name, which factors count, when a second factor is needed, push number challenge.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;
  const enc = encodeURIComponent;
  const PRIMARY = [["password", "Password"], ["otp", "Authenticator app code"], ["oob:push", "Push"], ["oob:sms", "SMS"], ["oob:voice", "Voice call"], ["webauthn", "Passkey"]];
  const SECOND = [["otp", "Authenticator app code"], ["push", "Push"], ["sms", "SMS"], ["voice", "Voice call"], ["recovery_code", "Recovery code"], ["webauthn", "Passkey"]];
  const MODES = [["required", "Always"], ["if_enrolled", "When the user has one"], ["none", "Never"]];
  const NUMBER = [["always", "Always"], ["risky", "Only for risky sign-ins"], ["never", "Never"]];
  const label = (list, v) => (list.find(([k]) => k === v) || [v, v])[1];

  async function listAll(container, notice) {
    const [policies, groups, apps] = await Promise.all([c.api("GET", "/api/v1/policies"), c.api("GET", "/api/v1/groups"), c.api("GET", "/oauth2/v1/clients")]);
    if (!policies.ok) throw new Error(c.describe(policies.body, "The policies could not be listed."));
    const groupName = id => (groups.body.find(g => g.id === id) || { profile: { name: id } }).profile.name;
    const assigned = await Promise.all(policies.body.map(p => c.api("GET", `/api/v1/policies/${enc(p.id)}/apps`)));
    const create = h("form", { id: "policy-form", class: "search", novalidate: true },
      h("div", { style: null }, h("label", { for: "policy-name" }, "New policy"), h("input", { id: "policy-name", "data-field": "name", placeholder: "Name" })),
      h("button", { type: "submit" }, "Add policy"));
    create.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(create);
      return c.busy(e.submitter, async () => {
        const { ok, body } = await c.api("POST", "/api/v1/policies", { name: create.querySelector("#policy-name").value.trim() });
        if (!ok) return c.formError(create, body, "The policy could not be created.");
        c.say(`Policy ${body.name} created.`);
        await listAll(container);
      });
    });
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Sign-on policies")),
      h("p", { class: "note" }, "An app uses its own policy, or the default one. The first rule whose groups hold the user decides; the catch-all rule comes last."),
      notice || "",
      ...policies.body.map((p, i) => policyCard(container, p, groupName, assigned[i].ok ? assigned[i].body : [], apps.ok ? apps.body : [])),
      h("div", { class: "card" }, create));
  }

  function policyCard(container, p, groupName, assigned, apps) {
    const rules = p._embedded.rules;
    const assign = h("form", { class: "search", id: `assign-${p.id}` },
      h("div", {}, h("label", { for: `assign-app-${p.id}` }, "Use this policy for an app"),
        h("select", { id: `assign-app-${p.id}` }, apps.filter(a => !assigned.some(x => x.client_id === a.client_id))
          .map(a => h("option", { value: a.client_id }, `${a.client_name} (${a.client_id})`)))),
      h("button", { type: "submit" }, "Assign"));
    assign.addEventListener("submit", e => {
      e.preventDefault();
      const clientId = assign.querySelector("select").value;
      if (!clientId) return;
      return c.busy(e.submitter, async () => {
        const { ok, body } = await c.api("PUT", `/api/v1/apps/${enc(clientId)}/policies/${enc(p.id)}`);
        if (!ok) return c.formError(assign, body, "The policy could not be assigned.");
        c.say(`The app now uses ${p.name}.`);
        await listAll(container);
      });
    });
    return h("section", { class: "card", "aria-label": p.name, "data-policy": p.id },
      h("div", { class: "head" }, h("h3", {}, p.name, p.system ? " " : "", p.system ? c.badge("default") : ""),
        h("button", { type: "button", onclick: () => editRule(container, p, null) }, "Add rule")),
      p.description ? h("p", { class: "note" }, p.description) : null,
      h("table", {}, h("thead", {}, h("tr", {}, ["Rule", "Groups", "First factor", "Second factor", "Second factors", "Number challenge", ""].map(x => h("th", { scope: "col" }, x)))),
        h("tbody", {}, rules.map(r => h("tr", {},
          h("td", {}, r.name),
          h("td", {}, r.groups.length ? r.groups.map(groupName).join(", ") : "Everyone"),
          h("td", {}, r.primaryFactors.map(f => label(PRIMARY, f)).join(", ")),
          h("td", {}, label(MODES, r.secondFactor)),
          h("td", {}, r.secondFactors.map(f => label(SECOND, f)).join(", ")),
          h("td", {}, label(NUMBER, r.numberChallenge)),
          h("td", { class: "actions-cell" }, h("button", { type: "button", "aria-label": `Edit rule ${r.name} of ${p.name}`, onclick: () => editRule(container, p, r) }, "Edit")))))),
      h("p", { class: "note" }, "Apps: ", assigned.length ? assigned.map(a => a.client_name || a.client_id).join(", ") : p.system ? "every app without a policy of its own" : "none yet"),
      apps.length ? assign : null);
  }

  async function editRule(container, p, rule) {
    const groups = await c.api("GET", "/api/v1/groups");
    const r = rule || { name: "", groups: [], primaryFactors: ["password", "webauthn"], secondFactor: "if_enrolled", secondFactors: SECOND.map(([k]) => k), numberChallenge: "always" };
    const checks = (name, list, chosen) => list.map(([value, text]) => h("label", { class: "inline" },
      h("input", { type: "checkbox", name, value, checked: chosen.includes(value) }), text));
    const radios = (name, list, chosen) => list.map(([value, text]) => h("label", { class: "inline" },
      h("input", { type: "radio", name, value, checked: chosen === value }), text));
    const form = h("form", { id: "rule-form", novalidate: true },
      h("label", { for: "rule-name" }, "Rule name"), h("input", { id: "rule-name", "data-field": "name", value: r.name }),
      rule && rule.system ? h("p", { class: "note" }, "The catch-all rule applies to everyone the rules above do not.") :
        h("fieldset", { "data-field": "groups", tabindex: "-1" }, h("legend", {}, "Groups (none: everyone)"),
          (groups.ok ? groups.body.filter(g => g.type !== "BUILT_IN") : []).map(g => h("label", { class: "inline" },
            h("input", { type: "checkbox", name: "groups", value: g.id, checked: r.groups.includes(g.id) }), g.profile.name))),
      h("div", { class: "grid2" },
        h("fieldset", { "data-field": "primaryFactors", tabindex: "-1" }, h("legend", {}, "First factors"), checks("primary", PRIMARY, r.primaryFactors)),
        h("fieldset", { "data-field": "secondFactors", tabindex: "-1" }, h("legend", {}, "Second factors that count"), checks("second", SECOND, r.secondFactors)),
        h("fieldset", { "data-field": "secondFactor", tabindex: "-1" }, h("legend", {}, "Ask for a second factor"), radios("mode", MODES, r.secondFactor)),
        h("fieldset", { "data-field": "numberChallenge", tabindex: "-1" }, h("legend", {}, "Push number challenge"), radios("number", NUMBER, r.numberChallenge))),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, rule ? "Save rule" : "Add rule"),
        h("button", { type: "button", onclick: () => listAll(container) }, "Cancel"),
        rule && !rule.system ? h("button", { type: "button", class: "danger", onclick: e => c.busy(e.currentTarget, async () => {
          if (!confirm(`Delete the rule ${rule.name}?`)) return;
          const { ok, body } = await c.api("DELETE", `/api/v1/policies/${enc(p.id)}/rules/${enc(rule.id)}`);
          if (!ok) return c.formError(form, body, "The rule could not be deleted.");
          await listAll(container);
        }) }, "Delete rule") : null));
    const picked = name => [...form.querySelectorAll(`input[name=${name}]:checked`)].map(x => x.value);
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      const request = {
        name: form.querySelector("#rule-name").value.trim(), primaryFactors: picked("primary"), secondFactors: picked("second"),
        secondFactor: picked("mode")[0], numberChallenge: picked("number")[0],
      };
      if (!(rule && rule.system)) request.groups = picked("groups");
      return c.busy(e.submitter, async () => {
        const { ok, body } = rule ? await c.api("PUT", `/api/v1/policies/${enc(p.id)}/rules/${enc(rule.id)}`, request)
          : await c.api("POST", `/api/v1/policies/${enc(p.id)}/rules`, request);
        if (!ok) return c.formError(form, body, "The rule could not be saved.");
        c.say(`Rule ${body.name} of ${p.name} saved.`);
        await listAll(container);
      });
    });
    container.replaceChildren(h("div", { class: "head" }, h("h2", { tabindex: "-1" }, rule ? `Edit rule: ${rule.name}` : `New rule for ${p.name}`)),
      h("div", { class: "card" }, form));
    form.querySelector("#rule-name").focus();
  }

  c.pages.policies = container => listAll(container);
})();
