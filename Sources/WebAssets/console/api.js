// Talking to Thoth's API on this origin: the bearer token (kept for this tab only), JSON
// requests with clear errors, tools, WebSockets, and small DOM helpers that never parse HTML.

const TOKEN_KEY = "thoth.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || "",
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A request to the API; resolves to the parsed JSON (or the Response when `raw`). */
export async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Accept: "application/json" };
  if (token.get()) headers.Authorization = `Bearer ${token.get()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent("thoth:unauthorized"));
    throw new ApiError(401, "Sign in with an access token");
  }
  if (raw) {
    if (!response.ok) throw new ApiError(response.status, `${path}: ${response.status} ${response.statusText}`);
    return response;
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (data && (data.message || data.detail || data.error)) || response.statusText;
    throw new ApiError(response.status, data && Array.isArray(data.errors) ? `${message}: ${data.errors.join("; ")}` : message);
  }
  return data;
}

/** Runs one of Thoth's tools (the same ones MCP serves) and returns its structured result. */
export async function tool(name, parameters = {}) {
  const reply = await api("/tools/execute", {
    method: "POST", body: { tool_name: name, parameters, bypass_agent: true },
  });
  return reply.result;
}

/** A WebSocket to this server; browsers cannot send headers there, so the token rides in the query. */
export function socket(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = token.get() ? `?token=${encodeURIComponent(token.get())}` : "";
  return new WebSocket(`${scheme}://${location.host}${path}${query}`);
}

/** `el("a", {href: "#"}, "text", child)`: an element from attributes and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** `text` with every occurrence of `words` (case-insensitive) wrapped in <mark>. */
export function highlight(text, words) {
  const fragment = document.createDocumentFragment();
  const terms = [...new Set(words.map((w) => w.toLowerCase()).filter((w) => w.length > 1))];
  if (!terms.length) {
    fragment.append(text);
    return fragment;
  }
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    fragment.append(text.slice(last, match.index), el("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

/** The words of a query, for highlighting. */
export const words = (query) => query.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** A short message at the bottom of the window, read out by screen readers. */
export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 3500);
}

/** A card saying what went wrong, for a page that could not load. */
export function failure(error) {
  return el("p", { class: "card error", role: "alert" }, error.message || String(error));
}

/** `/a/b/c.md` → `c.md`. */
export const basename = (path) => String(path || "").split("/").pop();

/** Opens a markdown file of the workspace in a dialog, the passage `passage` marked and scrolled to. */
export async function showPassage(source, passage, heading) {
  const dialog = el("dialog", { "aria-label": basename(source) });
  const close = el("button", { type: "button", class: "quiet", onclick: () => dialog.close() }, "Close");
  const body = el("pre", {}, "Loading…");
  dialog.append(el("div", { class: "row" }, el("h2", { class: "grow" }, basename(source), heading ? ` › ${heading}` : ""), close), body);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const file = await api(`/view-markdown?path=${encodeURIComponent(source)}`);
    const text = file.content;
    const shown = (passage || "").replace(/\.\.\.$/, "").trim();
    const probe = shown.slice(0, 120);
    const at = probe ? text.indexOf(probe) : -1;
    body.textContent = "";
    if (at < 0) {
      body.append(text);
      return;
    }
    const line = text.slice(0, at).split("\n").length;
    const mark = el("mark", {}, text.slice(at, at + shown.length));
    body.append(`(line ${line})\n`, text.slice(0, at), mark, text.slice(at + mark.textContent.length));
    mark.scrollIntoView({ block: "center" });
  } catch (error) {
    body.textContent = error.message;
  }
}

/** A yes/no question in a modal dialog (keyboard: Enter confirms, Escape cancels). */
export function confirmAction(message, action = "Delete") {
  return new Promise((resolve) => {
    const yes = el("button", { type: "submit", class: "danger", value: "yes" }, action);
    const dialog = el("dialog", { role: "alertdialog", "aria-label": message },
      el("form", { method: "dialog" }, el("p", {}, message),
        el("p", { class: "row" }, yes, el("button", { type: "submit", class: "quiet", value: "no" }, "Cancel"))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    yes.focus();
  });
}
