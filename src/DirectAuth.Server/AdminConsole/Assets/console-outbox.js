// The outbox (/api/v1/outbox): SMS and voice messages the outbox delivery provider stored instead of sending.
"use strict";

(() => {
  const c = window.adminConsole;
  const { h } = c;

  async function page(container) {
    const phone = h("input", { id: "outbox-phone", type: "tel", "data-field": "phone", "aria-label": "Phone number", placeholder: "Phone number (all when empty)" });
    const results = h("div", {});
    const load = async () => {
      c.clearFormError(form);
      const q = phone.value.trim();
      const { ok, body } = await c.api("GET", `/api/v1/outbox?limit=100${q ? "&phone=" + encodeURIComponent(q) : ""}`);
      if (!ok) return c.formError(form, body, "The outbox could not be read.");
      results.replaceChildren(c.table(["Time", "Channel", "To", "Code", "Purpose", "Text"], body, m => h("tr", {},
        h("td", {}, c.when(m.created)), h("td", {}, m.channel), h("td", { class: "mono" }, m.to), h("td", { class: "mono" }, m.code || ""),
        h("td", {}, m.purpose || ""), h("td", {}, m.text)),
      "No messages. With Delivery:Provider outbox, SMS and voice codes land here instead of a phone."));
    };
    const form = h("form", { id: "outbox-form", class: "search", role: "search", onsubmit: e => { e.preventDefault(); c.busy(e.submitter, load); } },
      phone, h("button", { type: "submit" }, "Show"));
    container.replaceChildren(h("div", { class: "head" }, h("h2", { tabindex: "-1" }, "Outbox")),
      h("p", { class: "note" }, "Messages the outbox delivery provider kept instead of sending (development and demos)."),
      h("div", { class: "card" }, form, results));
    await load();
  }

  c.pages.outbox = container => page(container);
})();
