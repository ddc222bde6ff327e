// The gallery grid: infinite scroll through the REST API, restore in the trash view, and "/"
// to jump to the search box. Records are turned into elements with textContent only, so a
// prompt or tag is always text, never markup.
"use strict";

(function () {
  const grid = document.getElementById("grid");
  if (!grid) return;
  const query = grid.dataset.query || "";
  const trash = grid.dataset.trash === "true";
  const status = document.getElementById("status");
  const sentinel = document.getElementById("sentinel");
  let next = grid.dataset.next || null;
  let loading = false;

  function remember() {
    const ids = Array.from(grid.querySelectorAll(".tile")).map((t) => t.dataset.id);
    ideovault.saveList({ query, next, ids, back: location.pathname + location.search });
  }

  function tile(record) {
    const li = document.createElement("li");
    li.className = "tile";
    li.dataset.id = record.id;
    const link = document.createElement("a");
    link.className = "tile-link";
    link.href = "/images/" + encodeURIComponent(record.id);
    if (record.status === "stored") {
      const img = document.createElement("img");
      img.src = "/api/images/" + encodeURIComponent(record.id) + "/thumbnail?size=256";
      img.alt = (record.prompt || "").slice(0, 200);
      img.loading = "lazy";
      link.appendChild(img);
    } else {
      const span = document.createElement("span");
      span.className = "placeholder";
      span.textContent = record.status;
      link.appendChild(span);
    }
    li.appendChild(link);
    const caption = document.createElement("p");
    caption.className = "caption";
    if (record.starred) {
      const star = document.createElement("span");
      star.className = "star";
      star.title = "starred";
      star.textContent = "★ ";
      caption.appendChild(star);
    }
    const prompt = document.createElement("span");
    prompt.className = "prompt";
    prompt.textContent = record.prompt;
    caption.appendChild(prompt);
    li.appendChild(caption);
    if (trash) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "restore";
      button.dataset.id = record.id;
      button.textContent = "Restore";
      li.appendChild(button);
    }
    return li;
  }

  async function more() {
    if (!next || loading) return;
    loading = true;
    status.textContent = "loading…";
    try {
      const params = new URLSearchParams({ q: query, cursor: next, limit: grid.dataset.pageSize || "60" });
      const page = await ideovault.api("GET", "/api/images?" + params.toString());
      page.results.forEach((r) => grid.appendChild(tile(r)));
      next = page.next;
      status.textContent = next ? "" : grid.children.length + " images";
      remember();
    } catch (e) {
      status.textContent = "could not load more: " + e.message;
    } finally {
      loading = false;
    }
    // A tall screen may still show the sentinel: keep filling it.
    if (next && sentinel.getBoundingClientRect().top < window.innerHeight + 400) more();
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

  remember();
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) more();
    }, { rootMargin: "400px" }).observe(sentinel);
  }
})();
