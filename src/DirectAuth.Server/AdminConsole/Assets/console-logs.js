// The system log (/api/v1/logs): filters for time, event type, actor and outcome, pages (Link rel=next), and a live tail.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;
  let tail = 0;

  const row = e => h("tr", {},
    h("td", {}, c.when(e.published)),
    h("td", { class: "mono nowrap" }, e.eventType),
    h("td", {}, c.badge(e.outcome.result, e.outcome.result === "SUCCESS" ? "ok" : e.outcome.result === "FAILURE" ? "bad" : "")),
    h("td", {}, e.actor ? (e.actor.alternateId || e.actor.id) : ""),
    h("td", {}, (e.target || []).map(t => t.alternateId || t.id).join(", ")),
    h("td", {}, e.displayMessage));

  function query(form, extra) {
    const v = id => form.querySelector("#" + id).value.trim();
    const clauses = [];
    if (v("log-type")) clauses.push(`eventType eq ${JSON.stringify(v("log-type"))}`);
    if (v("log-actor")) clauses.push(`actor.alternateId eq ${JSON.stringify(v("log-actor"))}`);
    if (v("log-outcome")) clauses.push(`outcome.result eq ${JSON.stringify(v("log-outcome"))}`);
    const p = new URLSearchParams({ limit: "50", sortOrder: "DESCENDING", ...extra });
    if (v("log-since")) p.set("since", new Date(v("log-since")).toISOString());
    if (v("log-until")) p.set("until", new Date(v("log-until")).toISOString());
    if (clauses.length) p.set("filter", clauses.join(" and "));
    if (v("log-q")) p.set("q", v("log-q"));
    return "/api/v1/logs?" + p;
  }

  async function page(container) {
    tail++;
    const input = (id, text, attrs) => h("div", {}, h("label", { for: id }, text), h("input", { id, ...attrs }));
    const form = h("form", { id: "log-form", novalidate: true },
      h("div", { class: "grid2" },
        input("log-since", "From", { type: "datetime-local", "data-field": "since" }), input("log-until", "Until", { type: "datetime-local", "data-field": "until" }),
        input("log-type", "Event type", { placeholder: "user.session.start", "data-field": "filter" }), input("log-actor", "Actor (login)", {}),
        h("div", {}, h("label", { for: "log-outcome" }, "Outcome"), h("select", { id: "log-outcome" },
          ["", "SUCCESS", "FAILURE", "DENY", "ALLOW", "CHALLENGE"].map(x => h("option", { value: x }, x || "Any")))),
        input("log-q", "Words", { type: "search", "data-field": "q" })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Show events"),
        h("label", { class: "inline" }, h("input", { type: "checkbox", id: "log-live" }), "Live tail (new events every 5 seconds)")));
    const results = h("div", { id: "log-results" });
    const cursors = [""];
    const load = async () => {
      c.clearFormError(form);
      const after = cursors[cursors.length - 1];
      const { ok, body, headers } = await c.api("GET", query(form, after ? { after } : {}));
      if (!ok) return c.formError(form, body, "The events could not be listed.");
      const next = /after=([^&>]+)/.exec(headers.get("Link") || "");
      const tbody = h("tbody", { id: "log-rows" }, body.map(row));
      results.replaceChildren(body.length === 0 ? h("p", { class: "empty" }, "No events match.") :
        h("table", {}, h("thead", {}, h("tr", {}, ["Time", "Event", "Outcome", "Actor", "Target", "Message"].map(x => h("th", { scope: "col" }, x)))), tbody),
        h("div", { class: "pager" },
          h("button", { type: "button", disabled: cursors.length === 1, onclick: () => { cursors.pop(); load(); } }, "Newer"),
          h("button", { type: "button", disabled: !next, onclick: () => { cursors.push(decodeURIComponent(next[1])); load(); } }, "Older")));
      return body.length ? body[0].published : null;
    };
    form.addEventListener("submit", e => { e.preventDefault(); cursors.length = 1; c.busy(e.submitter, load); });
    form.querySelector("#log-live").addEventListener("change", async e => {
      const run = ++tail;
      if (!e.target.checked) return;
      cursors.length = 1;
      let newest = await load() || new Date().toISOString();
      while (run === tail && document.contains(form)) {
        await new Promise(r => setTimeout(r, 5000));
        if (run !== tail || !document.contains(form)) return;
        const { ok, body } = await c.api("GET", query(form, { sortOrder: "ASCENDING", since: newest }));
        if (!ok) continue;
        const fresh = body.filter(x => x.published > newest);
        if (!fresh.length) continue;
        newest = fresh[fresh.length - 1].published;
        const rows = results.querySelector("#log-rows");
        if (rows) for (const x of fresh) rows.prepend(row(x)); else await load();
      }
    });
    container.replaceChildren(h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "System log")), h("div", { class: "card" }, form), h("div", { class: "card" }, results));
    await load();
  }

  c.pages.logs = container => page(container);
})();
