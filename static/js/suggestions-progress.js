// While a training run is queued or running, poll its status and reload the page when it ends.
const card = document.getElementById("suggestion-model");
const url = card && card.dataset.statusUrl;
if (url) {
  const bar = card.querySelector("progress");
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const body = await response.json();
      const latest = body.latest;
      if (latest && bar) { bar.max = latest.total; bar.value = latest.done; }
      if (!latest || latest.status === "ready" || latest.status === "failed") { window.location.reload(); return; }
    } catch { /* try again */ }
    setTimeout(tick, 1500);
  };
  setTimeout(tick, 1000);
}
