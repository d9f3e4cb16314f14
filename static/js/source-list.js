// The source list (PIs): "select all on this page" ticks every source's box.
const all = document.getElementById("select-all");
if (all) {
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll('input[name="sources"]')) box.checked = all.checked;
  });
}
