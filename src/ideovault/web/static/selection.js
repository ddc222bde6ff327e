// Selection and bulk actions in the grid: click selects one image, shift-click a range,
// ctrl/cmd-click (or the round button on a tile) adds or removes one, "Select all results"
// takes every match of the current search (sent to the server as the query, not as ids).
// Keys: arrows move, Enter opens the viewer, Esc clears, Delete trashes, 1-5 rate (0
// clears), s stars. Keys act on the selection, or on the focused image when none. A viewer
// gets no buttons, and no keys, that change images.
"use strict";

(function () {
  const g = window.gallery;
  if (!g) return;
  const $ = (id) => document.getElementById(id);
  const bar = $("selection-bar");
  const selected = new Set();
  let allResults = false;
  let anchor = -1;
  let cursor = 0;

  function say(text) {
    $("bulk-status").textContent = text;
  }

  function render() {
    for (const li of g.tiles()) {
      const on = allResults || selected.has(li.dataset.id);
      li.classList.toggle("selected", on);
      li.querySelector(".pick").setAttribute("aria-pressed", String(on));
    }
    const count = document.getElementById("count");
    const n = allResults ? (count.dataset.capped === "true" ? "all" : count.dataset.count || "all") : selected.size;
    bar.hidden = !allResults && selected.size === 0;
    $("selected-count").textContent = allResults ? "All " + n + " results selected" : n + " selected";
    $("bulk-compare").disabled = allResults || selected.size < 2 || selected.size > 4;
  }
  document.addEventListener("gallery:more", render);
  document.addEventListener("gallery:count", render); // "All N results" needs the count

  function index(li) {
    return g.tiles().indexOf(li);
  }

  function focus(i) {
    const list = g.tiles();
    if (!list.length) return;
    cursor = Math.max(0, Math.min(list.length - 1, i));
    const pick = list[cursor].querySelector(".pick");
    list.forEach((t) => t.querySelector(".pick").setAttribute("tabindex", "-1"));
    pick.setAttribute("tabindex", "0");
    pick.focus();
    list[cursor].scrollIntoView({ block: "nearest" });
  }

  function choose(li, event) {
    const i = index(li);
    allResults = false;
    if (event.shiftKey && anchor >= 0) {
      const list = g.tiles();
      const [from, to] = anchor < i ? [anchor, i] : [i, anchor];
      if (!(event.ctrlKey || event.metaKey)) selected.clear();
      for (let k = from; k <= to; k++) selected.add(list[k].dataset.id);
    } else if (event.ctrlKey || event.metaKey || event.target.closest(".pick")) {
      if (selected.has(li.dataset.id)) selected.delete(li.dataset.id);
      else selected.add(li.dataset.id);
      anchor = i;
    } else {
      selected.clear();
      selected.add(li.dataset.id);
      anchor = i;
    }
    cursor = i;
    render();
  }

  g.grid.addEventListener("click", (event) => {
    const thumb = event.target.closest(".thumb");
    if (!thumb) return;
    event.preventDefault();
    choose(thumb.closest(".tile"), event);
  });
  g.grid.addEventListener("dblclick", (event) => {
    const thumb = event.target.closest(".thumb");
    if (thumb && window.lightbox) window.lightbox.open(index(thumb.closest(".tile")));
  });
  // Shift-click would otherwise select the page's text.
  g.grid.addEventListener("mousedown", (event) => {
    if (event.shiftKey && event.target.closest(".thumb")) event.preventDefault();
  });

  // -- acting ------------------------------------------------------------------------------
  function targets() {
    if (allResults) return { query: g.query };
    if (selected.size) return { ids: Array.from(selected) };
    const li = g.tiles()[cursor];
    return li ? { ids: [li.dataset.id] } : null;
  }

  async function bulk(action, fields, done) {
    const which = targets();
    if (!which) return;
    try {
      const result = await ideovault.api("POST", "/api/bulk", { action, ...which, ...fields });
      if (action === "trash" || action === "restore") {
        const gone = new Set(result.ids);
        g.tiles().filter((t) => gone.has(t.dataset.id)).forEach((t) => t.remove());
        selected.clear();
        allResults = false;
        g.count();
      } else {
        await refresh(result.ids);
      }
      say(done + " (" + result.count + ")");
      render();
      g.remember();
    } catch (e) {
      say("failed: " + e.message);
    }
  }

  // Show the server's records for the changed images that are on the page.
  async function refresh(ids) {
    const shown = new Set(g.tiles().map((t) => t.dataset.id));
    for (const id of ids.filter((i) => shown.has(i))) {
      g.update(await ideovault.api("GET", "/api/images/" + encodeURIComponent(id)));
    }
  }

  window.selection = { bulk, targets, refresh };

  $("select-all").addEventListener("click", () => { allResults = true; render(); });
  $("select-none").addEventListener("click", () => { allResults = false; selected.clear(); render(); });
  // Changing the selection: only for people who may (viewers have no such buttons).
  if (ideovault.can("images:write")) {
    $("bulk-tag-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const tag = $("bulk-tag").value.trim();
      if (tag) bulk("tag", { add: [tag] }, "tagged " + tag);
    });
    $("bulk-untag").addEventListener("click", () => {
      const tag = $("bulk-tag").value.trim();
      if (tag) bulk("tag", { remove: [tag] }, "untagged " + tag);
    });
    $("bulk-star").addEventListener("click", () => bulk("star", { starred: true }, "starred"));
    $("bulk-unstar").addEventListener("click", () => bulk("star", { starred: false }, "unstarred"));
    $("bulk-rate").addEventListener("change", () => {
      const value = $("bulk-rate").value;
      if (value !== "") bulk("rate", { rating: Number(value) }, value === "0" ? "rating cleared" : "rated " + value);
      $("bulk-rate").value = "";
    });
    $("bulk-trash").addEventListener("click", () => {
      if (g.trash) bulk("restore", {}, "restored");
      else bulk("trash", {}, "moved to the trash");
    });
    $("bulk-album-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = $("bulk-album").value.trim();
      if (!name) return;
      try {
        const known = await ideovault.api("GET", "/api/albums");
        if (!known.some((a) => a.name === name)) await ideovault.api("POST", "/api/albums", { name });
      } catch (e) {
        say("failed: " + e.message);
        return;
      }
      bulk("album", { album: name }, "added to album " + name);
    });
    $("bulk-album").addEventListener("focus", async () => {
      try {
        const list = $("album-names");
        list.replaceChildren();
        for (const a of await ideovault.api("GET", "/api/albums")) {
          const option = document.createElement("option");
          option.value = a.name;
          list.appendChild(option);
        }
      } catch (e) { /* suggestions only */ }
    }, { once: true });
  }
  $("bulk-compare").addEventListener("click", () => {
    location.href = "/compare?ids=" + Array.from(selected).map(encodeURIComponent).join(",");
  });
  $("bulk-zip").addEventListener("click", async () => {
    const which = targets();
    if (!which) return;
    if (which.query !== undefined) {
      location.href = "/api/zip?" + new URLSearchParams({ q: which.query }).toString();
      return;
    }
    say("preparing the zip…");
    try {
      const response = await fetch("/api/zip", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Ideovault-Request": "1" },
        body: JSON.stringify(which),
      });
      if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = "ideovault-selection.zip";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      say("zip downloaded");
    } catch (e) {
      say("failed: " + e.message);
    }
  });

  // -- keyboard ----------------------------------------------------------------------------
  function below(step) {
    const list = g.tiles();
    const here = list[cursor].getBoundingClientRect();
    const x = here.left + here.width / 2;
    let best = -1;
    let bestScore = Infinity;
    list.forEach((t, i) => {
      const r = t.getBoundingClientRect();
      const dy = step > 0 ? r.top - here.bottom : here.top - r.bottom;
      if (dy < -1) return;
      const score = dy * 10 + Math.abs(r.left + r.width / 2 - x);
      if (score < bestScore && i !== cursor) { bestScore = score; best = i; }
    });
    return best;
  }

  // What a key does in the grid, or null. It runs through ideovault.keys (shared with the
  // viewer): in the order pressed, on the state the keys before it left, and only if the
  // viewer is closed when its turn comes.
  function keyAction(event) {
    const key = event.key;
    if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "a") {
      return () => { allResults = true; render(); };
    }
    if (event.ctrlKey || event.metaKey) return null;
    if (key === "ArrowRight" || key === "ArrowLeft") {
      return async () => {
        const to = cursor + (key === "ArrowRight" ? 1 : -1);
        if (to >= g.tiles().length && g.hasMore()) await g.more();
        focus(to);
        if (event.shiftKey) choose(g.tiles()[cursor], { shiftKey: true, target: document.body });
      };
    }
    if (key === "ArrowDown" || key === "ArrowUp") {
      return async () => {
        const i = below(key === "ArrowDown" ? 1 : -1);
        if (i >= 0) focus(i);
        else if (key === "ArrowDown" && g.hasMore()) { await g.more(); focus(cursor + 1); }
      };
    }
    const actions = {
      Enter: () => { if (window.lightbox) window.lightbox.open(cursor); },
      " ": () => { if (g.tiles()[cursor]) choose(g.tiles()[cursor], { ctrlKey: true, target: document.body }); },
      Escape: () => { allResults = false; selected.clear(); render(); },
    };
    if (!ideovault.can("images:write")) return actions[key] || null;  // the keys below change images
    Object.assign(actions, {
      Delete: () => bulk(g.trash ? "restore" : "trash", {}, g.trash ? "restored" : "moved to the trash"),
      s: () => {
        const li = g.tiles()[cursor];
        const on = selected.size || allResults ? true : !(li && li.dataset.starred === "true");
        return bulk("star", { starred: on }, on ? "starred" : "unstarred");
      },
    });
    actions.Backspace = actions.Delete;
    if (/^[0-5]$/.test(key)) {
      return () => bulk("rate", { rating: Number(key) }, key === "0" ? "rating cleared" : "rated " + key);
    }
    return actions[key] || null;
  }
  const OWN_KEYS = /^(a|A|Arrow(Right|Left|Down|Up)|Enter| |Delete|Backspace)$/; // default prevented

  document.addEventListener("keydown", (event) => {
    if (event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) return;
    if (document.querySelector("dialog[open]")) return;
    const viewing = () => Boolean(window.lightbox && window.lightbox.isOpen());
    const action = keyAction(event);
    if (!action || !g.tiles().length) return;
    if (!viewing() && OWN_KEYS.test(event.key)) event.preventDefault();
    ideovault.keys(() => (viewing() || !g.tiles().length ? undefined : action()));
  });

  if (g.tiles().length) g.tiles()[0].querySelector(".pick").setAttribute("tabindex", "0");
  g.tiles().slice(1).forEach((t) => t.querySelector(".pick").setAttribute("tabindex", "-1"));
  render();
})();
