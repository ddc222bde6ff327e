// The viewer: the original full-screen over the grid, zoom (wheel, +/-, double-click) and pan
// (drag), next/previous with the arrow keys across pages (it loads the next page at the end),
// 1-5 to rate, s to star, Esc to close.
"use strict";

(function () {
  const g = window.gallery;
  const box = document.getElementById("lightbox");
  if (!g || !box) return;
  const $ = (id) => document.getElementById(id);
  const stage = $("lb-stage");
  // Made on first use, not in the page: an empty <img> would count among the page's images.
  let img = null;
  function viewerImage() {
    if (!img) {
      img = document.createElement("img");
      img.id = "lb-img";
      img.alt = "";
      stage.appendChild(img);
    }
    return img;
  }
  let at = -1;
  let scale = 1;
  let tx = 0;
  let ty = 0;
  let lastFocus = null;

  function apply() {
    viewerImage().style.transform = "translate(" + tx + "px," + ty + "px) scale(" + scale + ")";
    $("lb-zoom").textContent = Math.round(scale * 100) + "%";
    stage.classList.toggle("zoomed", scale > 1);
  }

  function zoom(factor) {
    scale = Math.max(1, Math.min(8, scale * factor));
    if (scale === 1) { tx = 0; ty = 0; }
    apply();
  }

  function show() {
    const li = g.tiles()[at];
    if (!li) return;
    const img = viewerImage();
    const id = li.dataset.id;
    scale = 1; tx = 0; ty = 0;
    apply();
    if (li.dataset.stored === "true") {
      img.src = "/api/images/" + encodeURIComponent(id) + "/original";
      img.hidden = false;
    } else {
      img.removeAttribute("src");
      img.hidden = true;
    }
    const prompt = li.querySelector(".prompt").textContent;
    img.alt = prompt.slice(0, 200);
    $("lb-prompt").textContent = prompt;
    $("lb-rating").textContent = "★".repeat(Number(li.dataset.rating) || 0) + (li.dataset.starred === "true" ? " · starred" : "");
    $("lb-details").href = "/images/" + encodeURIComponent(id);
    box.dataset.id = id;
    $("lb-prev").disabled = at === 0;
    $("lb-next").disabled = at === g.tiles().length - 1 && !g.hasMore();
  }

  function open(index) {
    if (index < 0 || index >= g.tiles().length) return;
    lastFocus = document.activeElement;
    at = index;
    box.hidden = false;
    document.body.classList.add("viewing");
    show();
    $("lb-close").focus();
  }

  function close() {
    box.hidden = true;
    document.body.classList.remove("viewing");
    viewerImage().removeAttribute("src");
    if (lastFocus) lastFocus.focus();
  }

  async function step(by) {
    let target = at + by;
    if (target >= g.tiles().length && g.hasMore()) await g.more();
    if (target < 0 || target >= g.tiles().length) return;
    at = target;
    show();
  }

  async function mark(action, fields) {
    const id = box.dataset.id;
    try {
      await ideovault.api("POST", "/api/bulk", { action, ids: [id], ...fields });
      await window.selection.refresh([id]);
      show();
    } catch (e) {
      $("lb-prompt").textContent = "failed: " + e.message;
    }
  }

  $("lb-close").addEventListener("click", close);
  $("lb-prev").addEventListener("click", () => step(-1));
  $("lb-next").addEventListener("click", () => step(1));
  $("lb-zoom-in").addEventListener("click", () => zoom(1.5));
  $("lb-zoom-out").addEventListener("click", () => zoom(1 / 1.5));
  stage.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2);
  }, { passive: false });
  stage.addEventListener("dblclick", () => { if (scale > 1) { scale = 1; tx = 0; ty = 0; apply(); } else zoom(2); });
  let drag = null;
  stage.addEventListener("pointerdown", (event) => {
    if (scale <= 1) return;
    drag = { x: event.clientX - tx, y: event.clientY - ty };
    stage.setPointerCapture(event.pointerId);
  });
  stage.addEventListener("pointermove", (event) => {
    if (!drag) return;
    tx = event.clientX - drag.x;
    ty = event.clientY - drag.y;
    apply();
  });
  stage.addEventListener("pointerup", () => { drag = null; });

  // Keys go through ideovault.keys, shared with the grid: each acts, in the order pressed, if
  // the viewer is open when its turn comes (an Enter the grid queued may open it first).
  function keyAction(event) {
    const key = event.key;
    const actions = {
      Escape: close,
      ArrowRight: () => step(1),
      ArrowLeft: () => step(-1),
      "+": () => zoom(1.5),
      "=": () => zoom(1.5),
      "-": () => zoom(1 / 1.5),
    };
    if (ideovault.can("images:write")) {  // the keys that change images
      actions.s = () => mark("star", { starred: g.tiles()[at].dataset.starred !== "true" });
      if (/^[0-5]$/.test(key)) actions[key] = () => mark("rate", { rating: Number(key) });
    }
    return actions[key] || null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) return;
    const action = keyAction(event);
    if (action) {
      if (!box.hidden) event.preventDefault();
      ideovault.keys(() => (box.hidden ? undefined : action()));
    } else if (event.key === "Tab" && !box.hidden) {
      // Keep focus inside the dialog.
      const items = Array.from(box.querySelectorAll("button:not([disabled]), a[href]"));
      const i = items.indexOf(document.activeElement);
      event.preventDefault();
      items[(i + (event.shiftKey ? -1 : 1) + items.length) % items.length].focus();
    }
  });

  window.lightbox = { open, close, isOpen: () => !box.hidden, current: () => box.dataset.id };
})();
