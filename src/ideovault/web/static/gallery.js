// The gallery grid: a justified layout that keeps each image's aspect ratio, infinite scroll
// through the REST API, the result count, and the shared helpers the selection, the viewer
// and the generate panel use (window.gallery). Records become elements with textContent
// only, so a prompt or tag is always text, never markup.
"use strict";

(function () {
  const grid = document.getElementById("grid");
  if (!grid) return;
  const query = grid.dataset.query || "";
  const trash = grid.dataset.trash === "true";
  const status = document.getElementById("status");
  const sentinel = document.getElementById("sentinel");
  const ROW = 220; // target row height in px; rows stretch to fill the width
  let next = grid.dataset.next || null;
  let loading = null;

  // The grid says when it has loaded all that the screen asks for (data-state="idle"), so a
  // script or test can wait for that instead of for a time. "loading" while a page is fetched.
  function state(value) {
    grid.dataset.state = value;
  }

  function remember() {
    const ids = tiles().map((t) => t.dataset.id);
    ideovault.saveList({ query, next, ids, back: location.pathname + location.search });
  }

  function tiles() {
    return Array.from(grid.querySelectorAll(".tile"));
  }

  // Set through the CSSOM (the Content-Security-Policy forbids style attributes).
  function layout(li) {
    const ratio = Math.max(0.25, Math.min(4, (Number(li.dataset.w) || 1) / (Number(li.dataset.h) || 1)));
    li.style.flexGrow = String(ratio);
    li.style.flexBasis = Math.round(ratio * ROW) + "px";
    li.querySelector(".thumb").style.aspectRatio = String(ratio);
  }

  function stars(n) {
    return "★".repeat(Number(n) || 0);
  }

  function caption(li, record) {
    const p = li.querySelector(".caption");
    p.replaceChildren();
    if (record.starred) {
      const star = document.createElement("span");
      star.className = "star";
      star.title = "starred";
      star.textContent = "★";
      p.append(star, " ");
    }
    const rating = document.createElement("span");
    rating.className = "stars";
    rating.textContent = stars(record.rating);
    const link = document.createElement("a");
    link.className = "prompt";
    link.href = "/images/" + encodeURIComponent(record.id);
    link.textContent = record.prompt;
    p.append(rating, " ", link);
  }

  function tile(record) {
    const li = document.createElement("li");
    li.className = "tile";
    li.dataset.id = record.id;
    li.dataset.w = record.width || 1;
    li.dataset.h = record.height || 1;
    li.dataset.starred = String(Boolean(record.starred));
    li.dataset.rating = String(record.rating || 0);
    li.dataset.stored = String(record.status === "stored");
    const thumb = document.createElement("div");
    thumb.className = "thumb";
    if (record.status === "stored") {
      const img = document.createElement("img");
      img.src = "/api/images/" + encodeURIComponent(record.id) + "/thumbnail?size=512";
      img.alt = (record.prompt || "").slice(0, 200);
      img.loading = "lazy";
      thumb.appendChild(img);
    } else {
      const span = document.createElement("span");
      span.className = "placeholder";
      span.textContent = record.status;
      thumb.appendChild(span);
    }
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "pick";
    pick.setAttribute("aria-pressed", "false");
    pick.setAttribute("aria-label", "select " + (record.prompt || "").slice(0, 80));
    thumb.appendChild(pick);
    const p = document.createElement("p");
    p.className = "caption";
    li.append(thumb, p);
    caption(li, record);
    if (trash && ideovault.can("images:write")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "restore";
      button.dataset.id = record.id;
      button.textContent = "Restore";
      li.appendChild(button);
    }
    layout(li);
    return li;
  }

  // Show what the server answered for changed records (star, rating).
  function update(record) {
    const li = grid.querySelector('.tile[data-id="' + CSS.escape(record.id) + '"]');
    if (!li) return;
    li.dataset.starred = String(Boolean(record.starred));
    li.dataset.rating = String(record.rating || 0);
    caption(li, record);
  }

  async function more() {
    if (loading) return loading;
    if (!next) {
      state("idle");
      return false;
    }
    state("loading");
    status.textContent = "loading…";
    loading = (async () => {
      try {
        const params = new URLSearchParams({ q: query, cursor: next, limit: grid.dataset.pageSize || "60" });
        const page = await ideovault.api("GET", "/api/images?" + params.toString());
        page.results.forEach((r) => grid.appendChild(tile(r)));
        next = page.next;
        status.textContent = "";
        remember();
        document.dispatchEvent(new CustomEvent("gallery:more"));
        return page.results.length > 0;
      } catch (e) {
        status.textContent = "could not load more: " + e.message;
        return false;
      } finally {
        loading = null;
      }
    })();
    const added = await loading;
    // A tall screen may still show the sentinel: keep filling it (not after a failure, which
    // the status line shows: scrolling the end into view again retries).
    if (added && next && sentinel.getBoundingClientRect().top < window.innerHeight + 400) more();
    else state("idle");
    return added;
  }

  function prepend(records) {
    const first = grid.firstElementChild;
    records.slice().reverse().forEach((r) => grid.insertBefore(tile(r), grid.firstElementChild || first));
    document.getElementById("empty").hidden = true;
    remember();
    count();
  }

  async function count() {
    const target = document.getElementById("count");
    if (!target) return;
    try {
      const data = await ideovault.api("GET", "/api/count?" + new URLSearchParams({ q: query }).toString());
      const n = data.count.toLocaleString("en");
      target.textContent = (data.capped ? n + "+" : n) + (data.count === 1 ? " image" : " images");
      target.dataset.count = String(data.count);
      target.dataset.capped = String(data.capped);
      document.dispatchEvent(new CustomEvent("gallery:count"));
    } catch (e) {
      /* the count is a nicety: the grid works without it */
    }
  }

  grid.addEventListener("click", async (event) => {
    const button = event.target.closest("button.restore");
    if (!button) return;
    button.disabled = true;
    try {
      await ideovault.api("POST", "/api/images/" + encodeURIComponent(button.dataset.id) + "/restore");
      button.closest(".tile").remove();
      status.textContent = "restored";
      remember();
    } catch (e) {
      status.textContent = "could not restore: " + e.message;
      button.disabled = false;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      event.preventDefault();
      document.getElementById("q").focus();
    }
  });

  tiles().forEach(layout);
  remember();
  count();
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) more();
      else if (!loading) state("idle");
    }, { rootMargin: "400px" }).observe(sentinel);
  } else {
    state("idle");
  }
  window.gallery = { grid, query, trash, tiles, more, prepend, update, remember, count, hasMore: () => Boolean(next) };
})();
