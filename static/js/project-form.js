// New project: suggest a slug from the name as it is typed, until the PI edits the slug.
// Letters are folded to ASCII where they have a Latin base (é -> e); other scripts are dropped,
// as Django's slugify does, so the server accepts what is suggested.

export function suggestSlug(name) {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 50);
}

const form = document.getElementById("project-form");
const name = form && form.querySelector("input[name=name]");
const slug = form && form.querySelector("input[name=slug]");
if (name && slug) {
  let touched = slug.value !== "" && slug.value !== suggestSlug(name.value);
  slug.addEventListener("input", () => { touched = slug.value !== ""; });
  name.addEventListener("input", () => { if (!touched) slug.value = suggestSlug(name.value); });
}
