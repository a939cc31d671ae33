// Library: what the knowledge base holds, one entry per file, with its metadata, chunks, note,
// PDF and citations; files dropped here are added (markdown indexed, PDFs through the
// pipeline), their progress followed live on /ws/progress.
import { api, el, tool, socket, toast, basename, failure, showPassage } from "/console/api.js";

export async function render(main) {
  const filter = el("input", { id: "library-filter", type: "search", placeholder: "Title or file name" });
  const type = el("select", { id: "library-type" },
    el("option", { value: "" }, "All"), el("option", { value: "note" }, "Notes"), el("option", { value: "article" }, "Articles"));
  const picker = el("input", { id: "library-file", type: "file", accept: ".md,.markdown,.pdf", multiple: true });
  const drop = el("div", { class: "drop", id: "drop-zone" },
    el("p", {}, "Drop markdown or PDF files here to add them, or "),
    el("label", { for: "library-file" }, "choose files", picker));
  const activity = el("ul", { class: "list", id: "activity", "aria-live": "polite", "aria-label": "Activity" });
  const table = el("tbody");
  const count = el("p", { class: "muted" });
  const details = el("section", { id: "library-details", "aria-live": "polite" });
  main.append(el("h1", {}, "Library"), drop,
    el("div", { class: "card" }, el("h2", {}, "Activity"), activity,
      el("button", { type: "button", class: "quiet", onclick: reindex }, "Index the notes again")),
    el("div", { class: "row" }, el("label", { for: "library-filter", class: "grow" }, "Filter", filter),
      el("label", { for: "library-type" }, "Type", type)),
    count,
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ...["Title", "Type", "Year", "Authors", "Chunks"].map((h) => el("th", { scope: "col" }, h)))),
      table)),
    details);

  const operations = new Map();
  const progress = socket("/ws/progress");
  progress.addEventListener("message", (event) => {
    const update = JSON.parse(event.data);
    if (!update.operation_id) return;
    let row = operations.get(update.operation_id);
    if (!row) {
      row = { item: el("li", {}), bar: el("span") };
      operations.set(update.operation_id, row);
      activity.prepend(row.item);
    }
    row.bar.style.width = `${update.progress || 0}%`;
    const state = update.status === "failed" ? "error" : update.status === "completed" ? "ok" : "";
    row.item.replaceChildren(el("div", { class: "grow" },
      el("span", { class: state }, `${row.label || "Operation"}: ${update.message} (${update.status})`),
      el("div", { class: "bar-progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100,
        "aria-valuenow": update.progress || 0, "aria-label": row.label || "Operation" }, row.bar)));
    if (update.status === "completed" && row.label) {
      toast(`${row.label}: done`);
      load();
    }
  });

  async function load() {
    try {
      const parameters = { limit: 1000 };
      if (type.value) parameters.filter_by_type = type.value;
      if (filter.value.trim()) parameters.search_term = filter.value.trim();
      const result = await tool("list_articles", parameters);
      count.textContent = `${result.total} file(s)`;
      table.replaceChildren(...result.articles.map((article) => el("tr", {},
        el("td", {}, el("a", { href: "#", onclick: (event) => {
          event.preventDefault();
          show(article);
        } }, article.title || article.filename)),
        el("td", {}, article.document_type), el("td", {}, article.year ?? ""),
        el("td", {}, article.authors ?? ""), el("td", {}, article.chunks))));
    } catch (error) {
      table.replaceChildren(el("tr", {}, el("td", { colspan: 5 }, failure(error))));
    }
  }

  async function show(article) {
    details.replaceChildren(el("p", { class: "muted" }, "Loading…"));
    try {
      const detail = await tool("get_article_details", { article_identifier: article.source });
      const fields = ["source", "document_type", "authors", "year", "journal", "doi", "tags", "source_pdf"]
        .filter((key) => detail[key] !== undefined && detail[key] !== "");
      const citations = el("div", {}, el("p", { class: "muted" }, "Looking for citations…"));
      details.replaceChildren(el("article", { class: "card" },
        el("h2", {}, detail.title || detail.filename),
        el("dl", {}, ...fields.flatMap((key) => [el("dt", { class: "muted" }, key), el("dd", {}, String(detail[key]))])),
        el("p", { class: "row" },
          el("button", { type: "button", class: "quiet", onclick: () => showPassage(detail.source, "") }, "Open the note"),
          detail.source_pdf ? el("button", { type: "button", class: "quiet", onclick: () => openPDF(detail.source_pdf) }, "Open the PDF") : null),
        el("h3", {}, "Citations"), citations,
        el("details", {}, el("summary", {}, `${detail.chunks_text.length} chunk(s)`),
          ...detail.chunks_text.map((chunk, index) => el("pre", { "aria-label": `Chunk ${index + 1}` }, chunk)))));
      details.scrollIntoView({ block: "start" });
      try {
        const report = await tool("extract_citations", { article_identifier: article.source });
        const cites = report.references || [];
        const citedBy = report.cited_by || [];
        citations.replaceChildren(...[
          el("p", {}, `Cites ${cites.length}; cited by ${citedBy.length} in the knowledge base.`),
          cites.length && el("ol", { class: "sources" }, cites.map((entry) => el("li", {}, entry.raw, entry.note ? ` — ${entry.note}` : ""))),
          citedBy.length && el("p", {}, "Cited by: ", citedBy.join(", ")),
        ].filter(Boolean));
      } catch (error) {
        citations.replaceChildren(el("p", { class: "muted" }, error.message));
      }
    } catch (error) {
      details.replaceChildren(failure(error));
    }
  }

  async function openPDF(path) {
    try {
      const response = await api(`/library/pdf?path=${encodeURIComponent(path)}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      window.open(url, "_blank", "noopener");
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      toast(error.message);
    }
  }

  async function add(files) {
    for (const file of files) {
      try {
        const content = await new Promise((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(file);
        });
        const started = await api("/library/files", { method: "POST", body: { filename: file.name, content_base64: content } });
        const row = operations.get(started.operation_id);
        if (row) row.label = basename(started.path);
        else operations.set(started.operation_id, { item: el("li", {}, `${basename(started.path)}: started`), bar: el("span"), label: basename(started.path) });
        if (!row) activity.prepend(operations.get(started.operation_id).item);
        toast(`Adding ${basename(started.path)}`);
      } catch (error) {
        toast(`${file.name}: ${error.message}`);
        activity.prepend(el("li", { class: "error" }, `${file.name}: ${error.message}`));
      }
    }
  }

  async function reindex() {
    try {
      const started = await api("/operations/stream/operation", { method: "POST", body: { operation_type: "rag_index" } });
      operations.set(started.operation_id, { item: el("li", {}, "Indexing: started"), bar: el("span"), label: "Indexing" });
      activity.prepend(operations.get(started.operation_id).item);
    } catch (error) {
      toast(error.message);
    }
  }

  for (const name of ["dragenter", "dragover"]) drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    add([...event.dataTransfer.files]);
  });
  picker.addEventListener("change", () => add([...picker.files]));
  let typing;
  filter.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(load, 250);
  });
  type.addEventListener("change", load);
  await load();
  return () => progress.close();
}
