// Search: the knowledge base by words and meaning fused, by meaning or by words (the
// search_articles tool), with filters, the query's words marked in each passage, and each
// passage opening in its file at its heading and lines.
import { el, tool, highlight, words, basename, failure, showPassage } from "/console/api.js";

export async function render(main) {
  const field = (id, label, attributes = {}) =>
    el("label", { for: id }, label, el("input", { id, name: id, ...attributes }));
  const type = el("select", { id: "document_type", name: "document_type" },
    el("option", { value: "" }, "Any"), el("option", { value: "note" }, "Notes"),
    el("option", { value: "article" }, "Articles"));
  const form = el("form", { class: "card", role: "search", "aria-label": "Search the knowledge base" },
    el("div", { class: "row" },
      el("label", { for: "query", class: "grow" }, "Search",
        el("input", { id: "query", name: "query", type: "search", required: true, placeholder: "What are you looking for?" })),
      el("label", { for: "mode" }, "By", el("select", { id: "mode", name: "mode" },
        el("option", { value: "hybrid" }, "words and meaning"), el("option", { value: "dense" }, "meaning"),
        el("option", { value: "words" }, "words"))),
      el("button", { type: "submit" }, "Search")),
    el("details", {}, el("summary", {}, "Filters"),
      el("div", { class: "row" },
        el("label", { for: "document_type" }, "Type", type),
        field("source", "File path contains"),
        field("tags", "Tags (comma-separated)"),
        field("year_from", "From year", { type: "number", min: 0, max: 9999, inputmode: "numeric" }),
        field("year_to", "To year", { type: "number", min: 0, max: 9999, inputmode: "numeric" }),
        field("limit", "Results", { type: "number", min: 1, max: 100, value: 10 }))));
  const results = el("section", { "aria-live": "polite", "aria-label": "Results" });
  main.append(el("h1", {}, "Search"), form, results);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = data.get("query").trim();
    const parameters = { query, limit: Number(data.get("limit") || 10), mode: data.get("mode") };
    if (data.get("document_type")) parameters.document_type = data.get("document_type");
    if (data.get("source").trim()) parameters.source = data.get("source").trim();
    const tags = data.get("tags").split(",").map((t) => t.trim()).filter(Boolean);
    if (tags.length) parameters.tags = tags;
    for (const name of ["year_from", "year_to"]) if (data.get(name)) parameters[name] = Number(data.get(name));
    results.replaceChildren(el("p", { class: "muted" }, "Searching…"));
    try {
      const passages = await tool("search_articles", parameters);
      results.replaceChildren(el("p", { class: "muted" }, `${passages.length} passage(s)`),
        ...passages.map((passage) => card(passage, words(query))));
    } catch (error) {
      results.replaceChildren(failure(error));
    }
  });
  form.querySelector("#query").focus();
}

function card(passage, terms) {
  const meta = passage.metadata || {};
  const where = [passage.location, passage.page].filter(Boolean).join(", ");
  return el("article", { class: "card result" },
    el("h2", {}, el("a", { href: "#", onclick: (event) => {
      event.preventDefault();
      showPassage(passage.source, passage.content, meta.section);
    } }, passage.title || basename(passage.source))),
    el("p", { class: "muted" }, `${passage.document_type} · ${basename(passage.source)}`, where ? ` › ${where}` : "",
      ` · score ${passage.score.toFixed(3)}`, meta.year ? ` · ${meta.year}` : "", meta.tags ? ` · ${meta.tags}` : ""),
    el("p", {}, highlight(passage.content, terms)));
}
