// Collections: the Chroma side — every tenant, database and collection with its size and
// settings; a page of records; the records nearest a text (embedded with Thoth's model) or a
// record; deletion after a confirmation.
import { api, el, toast, failure, confirmAction } from "/console/api.js";

export async function render(main) {
  const body = el("tbody");
  const backend = el("p", { class: "muted" });
  const panel = el("section", { id: "collection-panel", "aria-live": "polite" });
  main.append(el("h1", {}, "Collections"), backend,
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ...["Collection", "Tenant / database", "Records", "Dimension", "Space", "Configuration", ""]
        .map((h) => el("th", { scope: "col" }, h)))), body)),
    panel);

  async function load() {
    const listing = await api("/vectors/collections");
    backend.textContent = `Store: ${listing.backend}`;
    body.replaceChildren(...listing.collections.map((c) => el("tr", {},
      el("td", {}, el("a", { href: "#", onclick: (event) => {
        event.preventDefault();
        open(c);
      } }, c.name)),
      el("td", {}, c.tenant ? `${c.tenant} / ${c.database}` : "—"),
      el("td", {}, c.count), el("td", {}, c.dimension ?? "—"), el("td", {}, c.space),
      el("td", {}, el("code", {}, summary(c.configuration))),
      el("td", {}, el("button", { type: "button", class: "danger", "aria-label": `Delete ${c.name}`,
        onclick: () => remove(c) }, "Delete")))));
    if (!listing.collections.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "muted" }, "No collections.")));
  }

  async function remove(c) {
    if (!(await confirmAction(`Delete the collection “${c.name}” and its ${c.count} record(s)? This cannot be undone.`))) return;
    try {
      await api(`/vectors/collections/${encodeURIComponent(c.id)}`, { method: "DELETE" });
      toast(`Deleted ${c.name}`);
      panel.replaceChildren();
      await load();
    } catch (error) {
      toast(error.message);
    }
  }

  async function open(c) {
    const text = el("input", { id: "query-text", type: "search", placeholder: "A text, embedded with Thoth's model" });
    const record = el("input", { id: "query-record", placeholder: "or a record id" });
    const n = el("input", { id: "query-n", type: "number", min: 1, max: 100, value: 5 });
    const hits = el("div", { id: "query-results", "aria-live": "polite" });
    const records = el("div", {}, el("p", { class: "muted" }, "Loading…"));
    const form = el("form", { class: "card", "aria-label": `Query ${c.name}` },
      el("h2", {}, `Query ${c.name}`),
      el("div", { class: "row" },
        el("label", { for: "query-text", class: "grow" }, "Nearest to text", text),
        el("label", { for: "query-record" }, "Nearest to record", record),
        el("label", { for: "query-n" }, "Results", n),
        el("button", { type: "submit" }, "Query")), hits);
    panel.replaceChildren(form, el("div", { class: "card" }, el("h2", {}, `First records of ${c.name}`), records));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      hits.replaceChildren(el("p", { class: "muted" }, "Querying…"));
      try {
        const reply = await api(`/vectors/collections/${encodeURIComponent(c.id)}/query`, {
          method: "POST",
          body: { query_text: text.value.trim() || undefined, record_id: record.value.trim() || undefined, n_results: Number(n.value) },
        });
        hits.replaceChildren(rows(reply.results, true));
      } catch (error) {
        hits.replaceChildren(failure(error));
      }
    });
    text.focus();
    try {
      const page = await api(`/vectors/collections/${encodeURIComponent(c.id)}/records?limit=20`);
      records.replaceChildren(rows(page.records, false));
    } catch (error) {
      records.replaceChildren(failure(error));
    }
  }

  try {
    await load();
  } catch (error) {
    main.append(failure(error));
  }
}

function summary(configuration) {
  if (!configuration) return "—";
  const hnsw = configuration.hnsw || {};
  const parts = Object.entries(hnsw).filter(([key]) => key === "space" || key === "ef_search").map(([k, v]) => `${k}=${v}`);
  const embedding = configuration.embedding_function && configuration.embedding_function.name;
  if (embedding) parts.push(`embedding=${embedding}`);
  return parts.join(", ") || JSON.stringify(configuration).slice(0, 60);
}

function rows(records, withDistance) {
  if (!records.length) return el("p", { class: "muted" }, "No records.");
  return el("div", { class: "table-wrap" }, el("table", { class: "records" },
    el("thead", {}, el("tr", {}, ...["Id", withDistance ? "Distance" : "Embedding", "Document", "Metadata"]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...records.map((r) => el("tr", {},
      el("td", {}, el("code", {}, r.id)),
      el("td", {}, withDistance ? r.distance.toFixed(4)
        : r.embedding_head ? `${r.dimension}-d [${r.embedding_head.map((v) => v.toFixed(3)).join(", ")}…]` : "—"),
      el("td", {}, (r.document || "").slice(0, 300)),
      el("td", {}, el("code", {}, JSON.stringify(r.metadata || {}).slice(0, 200))))))));
}
