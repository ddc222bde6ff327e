// Shared by every page: one way to call the REST API. Changing requests carry the custom
// header the server requires (cross-site pages cannot send it), and errors become Error
// objects whose message is the server's own words.
"use strict";

window.ideovault = {
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
