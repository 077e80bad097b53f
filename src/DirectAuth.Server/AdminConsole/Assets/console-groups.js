// Groups (/api/v1/groups) and their members (/api/v1/groups/{id}/users), for policy rules and the console's own admins.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;
  const enc = encodeURIComponent;

  async function list(container) {
    const { ok, body } = await c.api("GET", "/api/v1/groups");
    if (!ok) throw new Error(c.describe(body, "The groups could not be listed."));
    const form = h("form", { id: "group-form", novalidate: true },
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "group-name" }, "Name"), h("input", { id: "group-name", "data-field": "name" })),
        h("div", {}, h("label", { for: "group-description" }, "Description"), h("input", { id: "group-description", "data-field": "description" }))),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create group")));
    form.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(form);
      return c.busy(e.submitter, async () => {
        const r = await c.api("POST", "/api/v1/groups", { profile: { name: form.querySelector("#group-name").value.trim(), description: form.querySelector("#group-description").value.trim() || null } });
        if (!r.ok) return c.formError(form, r.body, "The group could not be created.");
        c.say(`Group ${r.body.profile.name} created.`);
        await list(container);
      });
    });
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Groups")),
      h("div", { class: "card" }, c.table(["Name", "Description", "Type"], body, g => h("tr", {},
        h("td", {}, g.type === "BUILT_IN" ? g.profile.name : h("a", { href: `#groups/${enc(g.id)}` }, g.profile.name)),
        h("td", {}, g.profile.description || ""),
        h("td", {}, g.type === "BUILT_IN" ? c.badge("built in") : "")), "No groups yet.")),
      h("div", { class: "card" }, h("h3", {}, "New group"), form));
  }

  async function show(container, id) {
    const [group, members] = await Promise.all([c.api("GET", `/api/v1/groups/${enc(id)}`), c.api("GET", `/api/v1/groups/${enc(id)}/users`)]);
    if (!group.ok) throw new Error(c.describe(group.body, "The group could not be found."));
    const g = group.body;
    const add = h("form", { id: "member-form", class: "search", novalidate: true },
      h("input", { id: "member-login", "data-field": "user", "aria-label": "Login of the user to add", placeholder: "Login of the user to add" }),
      h("button", { type: "submit" }, "Add member"));
    add.addEventListener("submit", e => {
      e.preventDefault();
      c.clearFormError(add);
      return c.busy(e.submitter, async () => {
        const login = add.querySelector("#member-login").value.trim();
        const user = await c.api("GET", `/api/v1/users/${enc(login)}`);
        if (!user.ok) return c.formError(add, { errorSummary: `No user with the login ${login}.` }, "");
        const r = await c.api("PUT", `/api/v1/groups/${enc(g.id)}/users/${enc(user.body.id)}`);
        if (!r.ok) return c.formError(add, r.body, "The user could not be added.");
        c.say(`${login} added to ${g.profile.name}.`);
        await show(container, id);
      });
    });
    container.replaceChildren(
      h("div", { class: "head" }, h("h2", { tabindex: "-1" }, g.profile.name), h("a", { class: "button", href: "#groups" }, "All groups")),
      g.profile.description ? h("p", { class: "note" }, g.profile.description) : "",
      h("div", { class: "card" }, h("h3", {}, "Members"), add,
        c.table(["Login", "Name", "Status", ""], members.ok ? members.body : [], u => h("tr", {},
          h("td", {}, h("a", { href: `#users/${enc(u.id)}` }, u.profile.login)),
          h("td", {}, [u.profile.firstName, u.profile.lastName].filter(Boolean).join(" ")),
          h("td", {}, c.badge(u.status)),
          h("td", { class: "actions-cell" }, h("button", { type: "button", class: "danger", "aria-label": `Remove ${u.profile.login}`, onclick: e => c.busy(e.currentTarget, async () => {
            const r = await c.api("DELETE", `/api/v1/groups/${enc(g.id)}/users/${enc(u.id)}`);
            if (!r.ok) throw new Error(c.describe(r.body, "The member could not be removed."));
            c.say(`${u.profile.login} removed.`);
            await show(container, id);
          }) }, "Remove"))), "No members yet.")),
      h("div", { class: "card" }, h("button", { type: "button", class: "danger", onclick: e => c.busy(e.currentTarget, async () => {
        if (!confirm(`Delete the group ${g.profile.name}?`)) return;
        const r = await c.api("DELETE", `/api/v1/groups/${enc(g.id)}`);
        if (!r.ok) throw new Error(c.describe(r.body, "The group could not be deleted."));
        c.say(`Group ${g.profile.name} deleted.`);
        location.hash = "#groups";
      }) }, "Delete group")));
  }

  c.pages.groups = (container, [id]) => id ? show(container, id) : list(container);
})();
