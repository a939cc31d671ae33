// Status: /health as cards, the request metrics that matter (traffic, errors, slow routes),
// operations, and the settings — secrets shown masked, changes sent through the validated
// settings import.
import { api, el, toast, failure } from "/console/api.js";

export async function render(main) {
  main.append(el("h1", {}, "Status"));
  const [health, metrics, operations, schema, current] = await Promise.allSettled([
    api("/health"), api("/metrics", { raw: true }).then((r) => r.text()), api("/operations"),
    api("/config/schema"), api("/config/export"),
  ]);
  main.append(section("Health", health, renderHealth), section("Requests", metrics, renderMetrics),
    section("Operations", operations, renderOperations));
  if (schema.status === "fulfilled" && current.status === "fulfilled") {
    main.append(settings(schema.value.settings, current.value.config));
  } else {
    main.append(failure(schema.reason || current.reason));
  }
}

function section(title, result, draw) {
  const box = el("section", { class: "card", "aria-label": title }, el("h2", {}, title));
  box.append(result.status === "fulfilled" ? draw(result.value) : failure(result.reason));
  return box;
}

function renderHealth(health) {
  const parts = Object.entries(health).filter(([, value]) => typeof value === "object" && value !== null);
  const plain = Object.entries(health).filter(([, value]) => typeof value !== "object" || value === null);
  return el("div", {},
    el("div", { class: "stats" }, ...plain.map(([key, value]) =>
      el("div", { class: "stat" }, el("span", { class: "muted" }, key), el("b", { class: value === "healthy" ? "ok" : "" }, String(value))))),
    ...parts.map(([key, value]) => el("details", {}, el("summary", {}, key, value.status ? ` — ${value.status}` : ""),
      el("pre", {}, JSON.stringify(value, null, 2)))));
}

/** Prometheus text → totals, errors, latency per route. */
export function summarise(text) {
  const routes = new Map();
  let inFlight = 0;
  let uptime = 0;
  for (const line of text.split("\n")) {
    const match = line.match(/^(\w+)\{([^}]*)\} ([\d.eE+-]+)$/) || line.match(/^(\w+) ([\d.eE+-]+)$/);
    if (!match) continue;
    if (match.length === 3) {
      if (match[1] === "thoth_http_requests_in_flight") inFlight = Number(match[2]);
      if (match[1] === "thoth_uptime_seconds") uptime = Number(match[2]);
      continue;
    }
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.method} ${labels.route}`;
    const entry = routes.get(key) || { route: key, count: 0, errors: 0, seconds: 0 };
    const value = Number(match[3]);
    if (match[1] === "thoth_http_requests_total") {
      entry.count += value;
      if (Number(labels.status) >= 500) entry.errors += value;
    }
    if (match[1] === "thoth_http_request_duration_seconds_sum") entry.seconds += value;
    routes.set(key, entry);
  }
  return { routes: [...routes.values()], inFlight, uptime };
}

function renderMetrics(text) {
  const { routes, inFlight, uptime } = summarise(text);
  const total = routes.reduce((sum, r) => sum + r.count, 0);
  const errors = routes.reduce((sum, r) => sum + r.errors, 0);
  const stat = (label, value) => el("div", { class: "stat" }, el("span", { class: "muted" }, label), el("b", {}, value));
  const busiest = routes.filter((r) => r.count).sort((a, b) => b.count - a.count).slice(0, 10);
  return el("div", {},
    el("div", { class: "stats" }, stat("Requests", total), stat("Server errors", errors), stat("In flight", inFlight),
      stat("Up for", `${Math.round(uptime / 60)} min`)),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ...["Route", "Requests", "Errors", "Mean latency"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...busiest.map((r) => el("tr", {}, el("td", {}, r.route), el("td", {}, r.count), el("td", {}, r.errors),
        el("td", {}, `${((r.seconds / r.count) * 1000).toFixed(1)} ms`)))))));
}

function renderOperations(reply) {
  if (!reply.operations.length) return el("p", { class: "muted" }, "No operations since the server started.");
  return el("ul", { class: "list" }, ...reply.operations.map((op) =>
    el("li", {}, el("span", { class: op.status === "failed" ? "error" : "" },
      `${op.message} — ${op.status}, ${op.progress}% (${op.timestamp})`))));
}

function settings(schema, values) {
  const form = el("form", { class: "card", "aria-label": "Settings" }, el("h2", {}, "Settings"),
    el("p", { class: "muted" }, "Secrets are never shown; type a new one to replace it. Changes are checked before anything is saved."));
  const inputs = new Map();
  for (const entry of schema) {
    const id = `setting-${entry.key}`;
    const value = values[entry.key];
    let input;
    if (entry.type === "choice") {
      input = el("select", { id }, ...entry.choices.map((choice) => el("option", { value: choice, selected: String(value) === choice }, choice)));
    } else {
      input = el("input", {
        id, type: entry.type === "secret" ? "password" : entry.type === "integer" || entry.type === "number" ? "number" : "text",
        value: entry.type === "secret" ? "" : value ?? "", placeholder: entry.type === "secret" && value ? "•••• (set)" : "",
        min: entry.minimum, max: entry.maximum, step: entry.type === "number" ? "any" : undefined, autocomplete: "off",
      });
    }
    inputs.set(entry.key, { input, original: entry.type === "secret" ? "" : String(value ?? "") });
    form.append(el("div", { class: "row" }, el("label", { for: id, class: "grow" },
      `${entry.key} (${entry.env}, ${entry.applies})`, input), el("span", { class: "muted grow" }, entry.description)));
  }
  const status = el("p", { role: "status" });
  form.append(el("p", {}, el("button", { type: "submit" }, "Save changes")), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const [key, { input, original }] of inputs) if (input.value !== original && input.value !== "") changes[key] = input.value;
    if (!Object.keys(changes).length) {
      status.textContent = "Nothing changed.";
      return;
    }
    try {
      const reply = await api("/config/import", { method: "POST", body: { config: changes } });
      status.className = "ok";
      status.textContent = `Saved: ${reply.synced_environment_vars.join(", ")}`;
      for (const key of Object.keys(changes)) inputs.get(key).original = changes[key];
      toast("Settings saved");
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
  });
  return form;
}
