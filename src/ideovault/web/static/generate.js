// Generate from the gallery: the prompt and main options, the estimated price and a
// confirmation first (the budget is checked by the server on the dry run and again on the
// send, with the confirmed price as the ceiling), progress while it runs, and the new images
// at the top of the grid.
"use strict";

(function () {
  const form = document.getElementById("generate-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);

  function params() {
    const out = { model: $("g-model").value, num_images: Number($("g-count").value) || 1 };
    if ($("g-aspect").value) out.aspect_ratio = $("g-aspect").value;
    if ($("g-speed").value) out.rendering_speed = $("g-speed").value;
    if ($("g-seed").value !== "") out.seed = Number($("g-seed").value);
    return out;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const prompt = $("g-prompt").value.trim();
    if (!prompt) return;
    const body = { prompt, params: params() };
    let price = null;
    $("g-submit").disabled = true;
    try {
      const yes = await ideovault.confirmSpend("Generate", async () => {
        const answer = await ideovault.api("POST", "/api/generate", { ...body, dry_run: true });
        price = answer.quote ? answer.quote.estimated_usd : null;
        return answer;
      });
      if (!yes) {
        $("g-status").textContent = "not generated";
        return;
      }
      $("g-progress").hidden = false;
      $("g-status").textContent = "generating…";
      const result = await ideovault.api("POST", "/api/generate", { ...body, max_usd: price });
      window.gallery.prepend(result.images);
      const n = result.images.length;
      $("g-status").textContent = n + " new image" + (n === 1 ? "" : "s") + " at the top";
    } catch (e) {
      $("g-status").textContent = "failed: " + e.message;
    } finally {
      $("g-progress").hidden = true;
      $("g-submit").disabled = false;
    }
  });
})();
