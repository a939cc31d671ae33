// Ask: conversations with the research assistant. Replies stream over /ws/chat: each tool the
// agent runs is shown as it runs, the model's text as it is written, then the whole answer with
// the passages it drew on.
import { api, el, socket, toast, basename, showPassage, confirmAction } from "/console/api.js";

export async function render(main, [sessionID]) {
  const list = el("ul", { class: "list", "aria-label": "Conversations" });
  const archived = el("ul", { class: "list", "aria-label": "Archived conversations" });
  const messages = el("div", { class: "messages", "aria-live": "polite" });
  const input = el("textarea", { id: "question", name: "question", rows: 3, required: true,
    placeholder: "Ask about your notes and papers…" });
  const send = el("button", { type: "submit" }, "Send");
  const composer = el("form", { class: "composer", "aria-label": "Ask a question" },
    el("label", { for: "question", class: "grow" }, "Question", input), send);
  const heading = el("h1", {}, "Ask");
  main.append(el("div", { class: "split" },
    el("aside", {},
      el("button", { type: "button", id: "new-chat", onclick: () => open(null) }, "New conversation"),
      el("h2", {}, "Conversations"), list,
      el("details", {}, el("summary", {}, "Archived"), archived)),
    el("section", { "aria-labelledby": "ask-title" }, Object.assign(heading, { id: "ask-title" }), messages, composer)));

  const ws = socket("/ws/chat");
  const pending = new Map();
  let current = sessionID || null;
  let nextID = 1;

  ws.addEventListener("message", (event) => {
    const reply = JSON.parse(event.data);
    const bubble = pending.get(reply.id);
    if (!bubble) return;
    if (reply.type === "delta") {
      if (!bubble.streaming) bubble.text.textContent = "";
      bubble.streaming = true;
      bubble.text.append(reply.text);
      return;
    }
    if (reply.type === "tool_call") {
      bubble.tools.append(el("li", { class: "tool-call" }, `Ran ${reply.tool}`,
        reply.is_error ? " (failed)" : "", ` ${JSON.stringify(reply.args || {})}`));
      return;
    }
    pending.delete(reply.id);
    send.disabled = false;
    if (reply.type === "error") {
      bubble.text.replaceChildren(el("span", { class: "error" }, reply.error));
      return;
    }
    fill(bubble, reply.response, reply.sources, reply.model);
    refresh();
  });
  ws.addEventListener("close", () => {
    for (const bubble of pending.values()) bubble.text.replaceChildren(el("span", { class: "error" }, "The connection closed."));
    pending.clear();
    send.disabled = false;
  });

  function bubble(role, text) {
    const node = el("article", { class: `message ${role}` });
    const body = el("div", { class: "text" }, text || "");
    const tools = el("ul", { class: "list" });
    node.append(tools, body);
    messages.append(node);
    node.scrollIntoView({ block: "end" });
    return { node, text: body, tools };
  }

  function fill(target, text, sources, model) {
    target.text.replaceChildren(text || "");
    if (model) target.node.append(el("p", { class: "muted" }, `— ${model}`));
    if (!sources || !sources.length) return;
    target.node.append(el("h3", { class: "muted" }, "Sources"), el("ol", { class: "sources" }, sources.map((source) => {
      const meta = source.metadata || {};
      const where = [source.location, source.page].filter(Boolean).join(", ");
      return el("li", {},
        el("a", { href: "#", onclick: (event) => {
          event.preventDefault();
          showPassage(meta.source, source.content, meta.section);
        } }, meta.title || basename(meta.source)),
        ` — ${basename(meta.source)}`, where ? ` › ${where}` : "",
        typeof source.score === "number" ? ` (${source.score.toFixed(2)})` : "");
    })));
  }

  async function refresh() {
    const [active, all] = await Promise.all([
      api("/chat/sessions?limit=100"), api("/chat/sessions?active_only=false&limit=200"),
    ]);
    list.replaceChildren(...active.sessions.map((s) => row(s, true)));
    archived.replaceChildren(...all.sessions.filter((s) => !s.is_active).map((s) => row(s, false)));
    if (!active.sessions.length) list.append(el("li", { class: "muted" }, "No conversations yet."));
  }

  function row(session, active) {
    const item = el("li", { class: session.id === current ? "current" : "" },
      el("button", { type: "button", onclick: () => open(session.id) }, session.title || "Untitled"),
      el("button", { type: "button", class: "icon", title: "Rename", "aria-label": `Rename ${session.title}`,
        onclick: () => rename(session) }, "✎"),
      active ? el("button", { type: "button", class: "icon", title: "Archive", "aria-label": `Archive ${session.title}`,
        onclick: () => act(api(`/chat/sessions/${session.id}/archive`, { method: "POST", body: {} }), "Archived") }, "⇣") : null,
      el("button", { type: "button", class: "icon", title: "Delete", "aria-label": `Delete ${session.title}`,
        onclick: async () => {
          if (!(await confirmAction(`Delete “${session.title}” and its messages?`))) return;
          await act(api(`/chat/sessions/${session.id}`, { method: "DELETE" }), "Deleted");
          if (session.id === current) open(null);
        } }, "✕"));
    return item;
  }

  async function act(request, message) {
    try {
      await request;
      toast(message);
      await refresh();
    } catch (error) {
      toast(error.message);
    }
  }

  function rename(session) {
    const title = prompt("New title", session.title);
    if (title && title.trim()) {
      act(api(`/chat/sessions/${session.id}`, { method: "PUT", body: { title: title.trim() } }), "Renamed");
    }
  }

  async function open(id) {
    current = id;
    history.replaceState(null, "", id ? `#/ask/${encodeURIComponent(id)}` : "#/ask");
    messages.replaceChildren();
    heading.textContent = "Ask";
    if (id) {
      const page = await api(`/chat/sessions/${encodeURIComponent(id)}/messages?limit=200`);
      heading.textContent = page.session_info.title || "Ask";
      for (const message of page.messages) {
        const target = bubble(message.role === "user" ? "user" : "assistant", "");
        fill(target, message.content, message.role === "user" ? null : message.metadata.sources, message.metadata.model);
      }
    }
    await refresh();
    input.focus();
  }

  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    if (ws.readyState !== WebSocket.OPEN) {
      toast("Not connected yet; try again in a moment.");
      return;
    }
    if (!current) {
      const created = await api("/chat/sessions", { method: "POST", body: { title: question.slice(0, 60) } });
      current = created.session.id;
      history.replaceState(null, "", `#/ask/${encodeURIComponent(current)}`);
      heading.textContent = created.session.title;
    }
    input.value = "";
    bubble("user", question);
    const answer = bubble("assistant", "Thinking…");
    const id = String(nextID++);
    pending.set(id, answer);
    send.disabled = true;
    ws.send(JSON.stringify({ id, message: question, session_id: current, stream: true }));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) composer.requestSubmit();
  });

  await open(current);
  return () => ws.close();
}
