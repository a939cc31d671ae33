// The console's shell: sign-in when the server asks for a token, and one page per section,
// chosen by the address's #fragment so the back button and bookmarks work.
import { api, el, token, failure } from "/console/api.js";
import * as ask from "/console/ask.js";
import * as search from "/console/search.js";
import * as library from "/console/library.js";
import * as collections from "/console/collections.js";
import * as status from "/console/status.js";

const pages = { ask, search, library, collections, status };
const main = document.getElementById("main");
const signOut = document.getElementById("sign-out");
let leave = null;

async function show() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const page = pages[name] || ask;
  for (const link of document.querySelectorAll(".bar nav a")) {
    if (link.getAttribute("href") === `#/${name || "ask"}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (typeof leave === "function") leave();
  leave = null;
  main.replaceChildren();
  try {
    leave = await page.render(main, rest.map(decodeURIComponent));
  } catch (error) {
    if (error.status !== 401) main.append(failure(error));
  }
  document.title = `Thoth · ${main.querySelector("h1")?.textContent || "Console"}`;
  // The page shows its data and answers input from here on (the load benchmark reads this).
  if (!performance.getEntriesByName("thoth:ready").length) performance.mark("thoth:ready");
}

function signIn(message) {
  if (typeof leave === "function") leave();
  leave = null;
  const input = el("input", { id: "token", type: "password", autocomplete: "current-password", required: true });
  const error = el("p", { class: "error", role: "alert" }, message || "");
  const form = el("form", { class: "card login", "aria-labelledby": "login-title" },
    el("h1", { id: "login-title" }, "Sign in to Thoth"),
    el("p", { class: "muted" }, "This server asks for an access token. Make one on the server with ",
      el("code", {}, "thoth token create"), "."),
    el("label", { for: "token" }, "Access token", input),
    error,
    el("p", {}, el("button", { type: "submit" }, "Sign in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    token.set(input.value.trim());
    try {
      await api("/agent/status");
      signOut.hidden = false;
      show();
    } catch (failure) {
      token.clear();
      error.textContent = failure.status === 401 ? "That token was refused." : failure.message;
    }
  });
  main.replaceChildren(form);
  document.title = "Thoth · Sign in";
  input.focus();
}

window.addEventListener("thoth:unauthorized", () => signIn(token.get() ? "Your token was refused or has expired." : ""));
window.addEventListener("hashchange", show);
signOut.addEventListener("click", () => {
  token.clear();
  signOut.hidden = true;
  signIn("");
});

(async () => {
  try {
    await api("/agent/status");
    signOut.hidden = !token.get();
    show();
  } catch (error) {
    if (error.status !== 401) main.replaceChildren(failure(error));
  }
})();
