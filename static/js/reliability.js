// Reliability page: while a worker computes the report, poll its progress and reload when done.
const box = document.getElementById("reliability-progress");

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const status = await response.json();
      if (status.ready) {
        window.location.reload();
        return;
      }
      const bar = box.querySelector("progress");
      bar.max = status.total || 1;
      bar.value = status.done || 0;
      box.querySelector("[data-message]").textContent =
        status.state === "failed" ? "The computation failed; reload to try again." : status.message || "";
      if (status.state === "failed") return;
    }
  } catch (error) {
    // a network hiccup: try again on the next tick
  }
  window.setTimeout(poll, 1500);
}

if (box) window.setTimeout(poll, 1000);
