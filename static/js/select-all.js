// Source list (PI): the "select all" box ticks every source's box for a bulk assignment.
const all = document.getElementById("select-all");
if (all) {
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll('input[name="sources"]')) box.checked = all.checked;
  });
}
