// The review page of one source (templates/coding/review/source.html).
//
// Decisions are applied in place: a decision, an undo or "approve all" is posted with fetch and
// the page's groups are swapped for the server's new rendering, the group acted on staying where
// it was on the screen; the server's message shows in a toast. Without JavaScript the same forms
// post normally and the server redirects back to the group's anchor. A refused decision (400)
// comes back as the page with that group's form as the PI filled it in and the errors beside the
// fields; only that group is swapped in.
//
// "Add my own coding" takes the passage the PI selects in the text: its offsets (Unicode code
// points, as stored) are worked out from the segments' data-s; the number fields stay as the
// fallback without JavaScript.

const TOAST_MS = 7000;

function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function article() { return document.getElementById("review-text"); }

function articleText() {
  return [...article().querySelectorAll(".seg")].map((seg) => seg.textContent).join("");
}

function slicePoints(text, start, end) { return Array.from(text).slice(start, end).join(""); }

// A DOM point inside the article as a code point offset into the source's text.
function pointOffset(container, offset) {
  const root = article();
  if (container.nodeType === Node.TEXT_NODE) {
    const seg = container.parentElement.closest(".seg");
    if (seg) return +seg.dataset.s + codePoints(container.data.slice(0, offset));
  }
  const probe = document.createRange();
  probe.setStart(container, offset);
  for (const seg of root.querySelectorAll(".seg")) {
    if (probe.comparePoint(seg, 0) >= 0) return +seg.dataset.s;
  }
  return +root.dataset.length;
}

let selected = null; // {start, end, quote} of the passage selected in the article

document.addEventListener("selectionchange", () => {
  const root = article();
  const sel = window.getSelection();
  if (!root || !sel.rangeCount || sel.isCollapsed) return;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return;
  let start = pointOffset(range.startContainer, range.startOffset);
  let end = pointOffset(range.endContainer, range.endOffset);
  const text = articleText();
  const quote = slicePoints(text, start, end);
  const lead = codePoints(quote) - codePoints(quote.trimStart());
  const trail = codePoints(quote) - codePoints(quote.trimEnd());
  start += lead;
  end -= trail;
  if (end <= start) return;
  selected = { start, end, quote: slicePoints(text, start, end) };
  for (const b of document.querySelectorAll(".use-selection")) {
    b.disabled = false;
    b.title = `“${selected.quote.slice(0, 80)}”`;
  }
});

function showOwn(span, start, end) {
  span.querySelector("input[name=own_start]").value = start;
  span.querySelector("input[name=own_end]").value = end;
  const q = span.querySelector(".own-quote");
  q.textContent = slicePoints(articleText(), start, end);
  q.hidden = false;
}

function setUp() {
  for (const el of document.querySelectorAll(".js-only")) el.hidden = false;
  for (const span of document.querySelectorAll(".own-span")) {
    span.querySelector(".own-numbers").hidden = true;
    const button = span.querySelector(".use-selection");
    button.hidden = false;
    button.disabled = !selected;
    const start = +span.querySelector("input[name=own_start]").value;
    const end = +span.querySelector("input[name=own_end]").value;
    showOwn(span, start, end);
  }
}

// A group's number in the text links to its card. Its passage is plain text, so the PI can
// select inside it (a link's text is dragged, not selected); a click on it that selected nothing
// goes to the card as the number does.
document.addEventListener("click", (e) => {
  const mark = e.target.closest("#review-text mark.grp");
  if (!mark || e.target.closest("a") || !window.getSelection().isCollapsed) return;
  window.location.hash = `group-${mark.dataset.group}`;
});

document.addEventListener("click", (e) => {
  const button = e.target.closest(".use-selection");
  if (!button || !selected) return;
  showOwn(button.closest(".own-span"), selected.start, selected.end);
});

// --- decisions in place ----------------------------------------------------------------------

let toastTimer = null;
function toast(items) {
  let box = document.getElementById("review-toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "review-toast";
    box.className = "review-toast";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    document.body.append(box);
  }
  box.replaceChildren(...items.map((li) => {
    const p = document.createElement("p");
    p.className = li.className;
    p.textContent = li.textContent;
    return p;
  }));
  box.hidden = !items.length;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, TOAST_MS);
}

function swap(doc) {
  for (const sel of [".review-layout", ".page-head"]) {
    const now = document.querySelector(sel), next = doc.querySelector(sel);
    if (now && next) now.replaceWith(document.adoptNode(next));
  }
  for (const old of document.querySelectorAll("body > .messages")) old.remove();
  toast([...doc.querySelectorAll(".messages li")]);
}

function codingsOf(el) {
  return [...el.querySelectorAll("input[name=codings]")].map((i) => i.value).sort().join(",");
}

// A decision the server refused (400): its answer is the page again with this group's form as
// the PI filled it in and the errors beside the fields. Only that group is swapped in, so what
// the PI typed in other groups stays too; nothing was saved, so the rest of the page is current.
function refused(doc, body, group, before) {
  const posted = body.getAll("codings").sort().join(",");
  const next = group ? doc.getElementById(group.id) : null;
  if (group && next && codingsOf(next) === posted) {
    group.replaceWith(document.adoptNode(next));
    for (const old of document.querySelectorAll("body > .messages")) old.remove();
    toast([...doc.querySelectorAll(".messages li")]);
  } else {
    swap(doc);
  }
  setUp();
  const again = group ? document.getElementById(group.id) : null;
  if (!again) return;
  window.scrollBy({ top: again.getBoundingClientRect().top - before, behavior: "instant" });
  const invalid = again.querySelector("[aria-invalid=true], .group-errors, .field-error");
  if (invalid && invalid.matches("input, select, textarea")) {
    invalid.focus();
  } else {
    const heading = again.querySelector("h2");
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    if (invalid) invalid.scrollIntoView({ block: "nearest" });
  }
}

document.addEventListener("submit", async (e) => {
  const form = e.target.closest("form.review-action, .page-head form");
  if (!form || !document.querySelector(".review-layout")) return;
  e.preventDefault();
  const body = new FormData(form);
  if (e.submitter && e.submitter.name) body.append(e.submitter.name, e.submitter.value);
  const number = body.get("group");
  const group = number ? document.getElementById(`group-${number}`) : null;
  const before = group ? group.getBoundingClientRect().top : 0;
  for (const b of form.querySelectorAll("button")) b.disabled = true;
  let response;
  try {
    response = await fetch(form.getAttribute("action"), { method: "POST", body, credentials: "same-origin" });
  } catch {
    for (const b of form.querySelectorAll("button")) b.disabled = false;
    toast([Object.assign(document.createElement("li"), { className: "msg msg-error", textContent: "The server cannot be reached; nothing was saved. Try again." })]);
    return;
  }
  if (response.status === 400 && (response.headers.get("content-type") || "").startsWith("text/html")) {
    refused(new DOMParser().parseFromString(await response.text(), "text/html"), body, group, before);
    return;
  }
  if (!response.ok) {
    for (const b of form.querySelectorAll("button")) b.disabled = false;
    toast([Object.assign(document.createElement("li"), { className: "msg msg-error", textContent: `The server answered ${response.status}; nothing was saved.` })]);
    return;
  }
  swap(new DOMParser().parseFromString(await response.text(), "text/html"));
  setUp();
  const again = number ? document.getElementById(`group-${number}`) : null;
  if (again) {
    window.scrollBy({ top: again.getBoundingClientRect().top - before, behavior: "instant" });
    const heading = again.querySelector("h2");
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
});

setUp();
