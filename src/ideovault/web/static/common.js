// Shared by every page: one way to call the REST API. Changing requests carry the custom
// header the server requires (cross-site pages cannot send it), and errors become Error
// objects whose message is the server's own words.
"use strict";

window.ideovault = {
  // Whether the signed-in person may do what needs `scope` (the server writes their scopes
  // on <body>): the page leaves out buttons they may not use, and keys that would use them do
  // nothing. The server checks every request all the same.
  can(scope) {
    const scopes = document.body.dataset.scopes;
    return scopes === undefined || scopes.split(" ").includes(scope);
  },

  async api(method, path, body) {
    const init = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (method !== "GET") {
      init.headers["X-Ideovault-Request"] = "1";
    }
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const detail = data && data.detail;
      const text = typeof detail === "string" ? detail : JSON.stringify(detail || response.statusText);
      throw new Error(text);
    }
    return data;
  },

  // Ask before spending money: every action that calls the Ideogram API first asks the server
  // for a dry run (price, budget check), shows it here, and runs only on an explicit "yes".
  // Resolves true or false; a dry run that fails (over budget, bad request) shows why and
  // resolves false, so nothing is sent.
  async confirmSpend(what, dryRun) {
    let quote;
    try {
      quote = (await dryRun()).quote || {};
    } catch (e) {
      return this.ask(what, "Not sent: " + e.message, null);
    }
    const usd = Number(quote.estimated_usd || 0);
    const images = quote.num_images || 1;
    const text = usd > 0
      ? what + " calls the Ideogram API: " + images + " image" + (images > 1 ? "s" : "") +
        ", estimated $" + usd.toFixed(2) + " (prices as of " + (quote.prices_as_of || "?") + ")."
      : what + ": the vault already has this answer, so no API call and no cost.";
    return this.ask(what, text, usd > 0 ? "Spend $" + usd.toFixed(2) : "Go ahead");
  },

  // A modal question with Cancel and, when `yes` is given, a confirming button.
  ask(title, text, yes) {
    return new Promise((resolve) => {
      const dialog = document.createElement("dialog");
      dialog.className = "confirm";
      dialog.setAttribute("aria-labelledby", "confirm-title");
      const h = document.createElement("h2");
      h.id = "confirm-title";
      h.textContent = title;
      const p = document.createElement("p");
      p.id = "confirm-text";
      p.textContent = text;
      const buttons = document.createElement("div");
      buttons.className = "actions";
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.id = "confirm-cancel";
      cancel.textContent = yes ? "Cancel" : "Close";
      buttons.appendChild(cancel);
      let answer = false;
      if (yes) {
        const ok = document.createElement("button");
        ok.type = "button";
        ok.id = "confirm-ok";
        ok.className = "primary";
        ok.textContent = yes;
        ok.addEventListener("click", () => { answer = true; dialog.close(); });
        buttons.appendChild(ok);
      }
      cancel.addEventListener("click", () => dialog.close());
      dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
      dialog.append(h, p, buttons);
      document.body.appendChild(dialog);
      dialog.showModal();
      cancel.focus();
    });
  },

  // The page's key actions, one after the other in the order the keys were pressed. An
  // action may wait (the next page, a request), and the keys after it must act on the state it
  // leaves: four quick arrows while the next page loads move four images, and a rating typed
  // meanwhile rates the image moved to. An action's error still surfaces as an uncaught error,
  // without stopping the actions queued after it.
  keys: (() => {
    let last = Promise.resolve();
    return (action) => {
      last = last.then(action).catch((e) => { setTimeout(() => { throw e; }); });
      return last;
    };
  })(),

  // Where the detail view finds its neighbours: the ids the gallery has shown, in order.
  saveList(list) {
    try {
      sessionStorage.setItem("ideovault.list", JSON.stringify(list));
    } catch (e) { /* storage full or disabled: navigation just has no neighbours */ }
  },

  loadList() {
    try {
      return JSON.parse(sessionStorage.getItem("ideovault.list") || "null");
    } catch (e) {
      return null;
    }
  },
};
