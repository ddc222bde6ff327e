// The detail view: copy prompt and seed, star, tags, trash/restore, lineage, reproduce, and
// keyboard navigation through the list the gallery last showed. Every change goes through the
// REST API and the page shows the record the server answers with.
"use strict";

(function () {
  const article = document.getElementById("detail");
  if (!article) return;
  const id = article.dataset.id;
  const base = "/api/images/" + encodeURIComponent(id);
  const message = document.getElementById("message");
  const $ = (sel) => document.getElementById(sel);

  function say(text) {
    message.textContent = text;
  }

  // -- neighbours --------------------------------------------------------------------------
  const list = ideovault.loadList();
  const index = list && Array.isArray(list.ids) ? list.ids.indexOf(id) : -1;
  if (list && list.back) $("back").href = list.back;
  function neighbour(step) {
    if (index < 0) return null;
    const other = list.ids[index + step];
    return other ? "/images/" + encodeURIComponent(other) : null;
  }
  for (const [el, step] of [[$("prev"), -1], [$("next"), 1]]) {
    const href = neighbour(step);
    if (href) {
      el.href = href;
      el.hidden = false;
    }
  }
  async function go(step) {
    let href = neighbour(step);
    if (!href && step > 0 && index >= 0 && list.next) {
      // At the end of what the gallery loaded: fetch its next page first.
      const params = new URLSearchParams({ q: list.query || "", cursor: list.next, limit: "60" });
      const page = await ideovault.api("GET", "/api/images?" + params.toString());
      list.ids.push(...page.results.map((r) => r.id));
      list.next = page.next;
      ideovault.saveList(list);
      href = neighbour(step);
    }
    if (href) location.href = href;
  }

  // -- copying -----------------------------------------------------------------------------
  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    say(what + " copied");
  }
  $("copy-prompt").addEventListener("click", () => copy($("prompt").textContent, "prompt"));
  $("copy-seed").addEventListener("click", () => copy(article.dataset.seed, "seed"));

  // -- changes -----------------------------------------------------------------------------
  function show(record) {
    const starred = record.starred;
    article.dataset.starred = String(starred);
    $("star").setAttribute("aria-pressed", String(starred));
    $("star").textContent = starred ? "★ Starred" : "☆ Star";
    const trashed = Boolean(record.trashed_at);
    article.dataset.trashed = String(trashed);
    $("trash").hidden = trashed;
    $("restore").hidden = !trashed;
    const tags = $("tag-list");
    tags.replaceChildren();
    for (const tag of record.tags) {
      const li = document.createElement("li");
      li.className = "tag";
      li.dataset.tag = tag;
      const name = document.createElement("span");
      name.textContent = tag;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "untag";
      remove.setAttribute("aria-label", "remove tag " + tag);
      remove.textContent = "×";
      li.append(name, " ", remove);
      tags.appendChild(li);
    }
    const rating = record.rating || 0;
    $("rating").dataset.rating = String(rating);
    for (const b of document.querySelectorAll("#rating button.rate")) {
      const n = Number(b.dataset.rating);
      if (n > 0) b.setAttribute("aria-pressed", String(rating >= n));
    }
  }
  async function change(path, body, done) {
    try {
      show(await ideovault.api("POST", base + path, body));
      say(done);
    } catch (e) {
      say("failed: " + e.message);
    }
  }
  const toggleStar = () => {
    const starred = article.dataset.starred !== "true";
    change("/star", { starred }, starred ? "starred" : "star removed");
  };
  const trashOrRestore = () => {
    if (article.dataset.trashed === "true") change("/restore", undefined, "restored");
    else change("/trash", undefined, "moved to the trash");
  };
  const rate = (n) => change("/rating", { rating: n }, n ? "rated " + n : "rating cleared");
  const more = $("prompt-more");
  if (more) {
    more.addEventListener("click", () => {
      const collapsed = $("prompt-box").classList.toggle("collapsed");
      more.textContent = collapsed ? "more" : "less";
      more.setAttribute("aria-expanded", String(!collapsed));
    });
  }
  const writes = ideovault.can("images:write");  // a viewer's page has none of these buttons
  if (writes) {
    $("rating").addEventListener("click", (event) => {
      const button = event.target.closest("button.rate");
      if (button) rate(Number(button.dataset.rating));
    });
    $("star").addEventListener("click", toggleStar);
    $("trash").addEventListener("click", trashOrRestore);
    $("restore").addEventListener("click", trashOrRestore);
    $("tag-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("tag-input");
      const tag = input.value.trim();
      if (!tag) return;
      change("/tags", { add: [tag] }, "tag added").then(() => { input.value = ""; });
    });
    $("tag-list").addEventListener("click", (event) => {
      const button = event.target.closest("button.untag");
      if (!button) return;
      change("/tags", { remove: [button.closest("li").dataset.tag] }, "tag removed");
    });
  }

  // -- reproduce ---------------------------------------------------------------------------
  if ($("reproduce")) $("reproduce").addEventListener("click", async () => {
    $("reproduce").disabled = true;
    try {
      let price = null;
      const yes = await ideovault.confirmSpend("Reproduce", async () => {
        const answer = await ideovault.api("POST", base + "/reproduce", { dry_run: true });
        price = answer.quote ? answer.quote.estimated_usd : null;
        return answer;
      });
      if (!yes) {
        say("not reproduced");
        return;
      }
      say("reproducing…");
      // The confirmed price is the ceiling: if it changed meanwhile the server refuses.
      const result = await ideovault.api("POST", base + "/reproduce", { force: false, max_usd: price });
      const out = $("reproduced-list");
      out.replaceChildren();
      for (const record of result.images) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = "/images/" + encodeURIComponent(record.id);
        a.textContent = record.id + " (" + record.status + ")";
        li.appendChild(a);
        out.appendChild(li);
      }
      $("reproduced").hidden = false;
      say("reproduced");
    } catch (e) {
      say("could not reproduce: " + e.message);
    } finally {
      $("reproduce").disabled = false;
    }
  });

  // -- lineage -----------------------------------------------------------------------------
  function node(entry) {
    const record = entry && (entry.image || entry);
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/images/" + encodeURIComponent(record.id);
    a.textContent = (record.operation ? record.operation + ": " : "") + (record.prompt || record.id);
    if (record.id === id) a.setAttribute("aria-current", "true");
    li.appendChild(a);
    const children = (entry && entry.children) || [];
    if (children.length) {
      const ul = document.createElement("ul");
      children.forEach((c) => ul.appendChild(node(c)));
      li.appendChild(ul);
    }
    return li;
  }
  (async () => {
    const target = $("lineage-tree");
    try {
      const data = await ideovault.api("GET", base + "/lineage");
      target.replaceChildren();
      const ancestors = data.ancestors || [];
      if (ancestors.length) {
        const p = document.createElement("ol");
        p.className = "ancestors";
        ancestors.forEach((a) => p.appendChild(node(a)));
        target.appendChild(p);
      }
      const tree = document.createElement("ul");
      tree.className = "tree";
      tree.appendChild(node(data.tree || data));
      target.appendChild(tree);
      target.classList.remove("hint");
    } catch (e) {
      target.textContent = "lineage not available: " + e.message;
    }
  })();

  // -- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      if (event.key === "Escape") document.activeElement.blur();
      return;
    }
    const actions = {
      ArrowLeft: () => go(-1),
      ArrowRight: () => go(1),
      Escape: () => { location.href = $("back").href; },
      c: () => copy($("prompt").textContent, "prompt"),
    };
    if (writes) {
      Object.assign(actions, { s: toggleStar, t: () => $("tag-input").focus(), Delete: trashOrRestore });
      if (/^[0-5]$/.test(event.key)) actions[event.key] = () => rate(Number(event.key));
    }
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
