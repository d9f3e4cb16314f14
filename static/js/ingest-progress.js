// Ingestion job page: poll the job's JSON status and update the progress bar and item rows.
// Everything from the server is inserted as text (textContent), never as HTML.

const POLL_MS = 1000;

function setText(root, field, value) {
  const el = root.querySelector(`[data-field="${field}"]`);
  if (el) el.textContent = String(value);
}

function renderOutcome(cell, item) {
  cell.replaceChildren();
  const badge = document.createElement("span");
  badge.className = `badge item-badge item-${item.status}`;
  badge.textContent = item.status_label;
  cell.append(badge, " ");
  if (item.source_url) {
    const link = document.createElement("a");
    link.href = item.source_url;
    link.textContent = item.source_title;
    cell.append(link, " ");
  } else if (item.source_title) {
    cell.append(item.source_title, " ");
  }
  if (item.reason && item.status !== "ok") {
    const reason = document.createElement("span");
    reason.className = "reason";
    reason.textContent = item.reason;
    cell.append(reason, " ");
  }
  if (item.choice_url) {
    const actions = document.createElement("span");
    actions.className = "own-span item-actions";
    const link = document.createElement("a");
    link.className = "button";
    link.href = item.choice_url;
    link.textContent = "Choose the encoding";
    actions.append(link);
    if (item.discard_url) actions.append(discardForm(item.discard_url));
    cell.append(actions);
  }
}

// A held item's "Discard" (a plain POST form, as the server renders it)
function discardForm(url) {
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  form.className = "discard-item";
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrfmiddlewaretoken";
  token.value = document.getElementById("job")?.dataset.csrf ?? "";
  const button = document.createElement("button");
  button.type = "submit";
  button.textContent = "Discard";
  form.append(token, button);
  return form;
}

function render(job, state) {
  const total = Math.max(state.total, 1);
  // duplicates are finished but add nothing: amber, not the green of new sources
  job.querySelector(".progress-done").style.width = `${(100 * state.new) / total}%`;
  job.querySelector(".progress-duplicate").style.width = `${(100 * state.duplicate) / total}%`;
  job.querySelector(".progress-failed").style.width = `${(100 * state.failed) / total}%`;
  const bar = job.querySelector(".progress");
  bar.setAttribute("aria-valuenow", String(state.done + state.failed));
  for (const field of ["new", "duplicate", "failed", "remaining", "status_label"]) {
    setText(job, field, state[field]);
  }
  setText(job, "held", state.counts.held);
  const badge = job.querySelector('[data-field="status_label"]');
  badge.className = `badge job-${state.status}`;
  job.dataset.status = state.status;
  const queueError = job.querySelector('[data-field="queue_error"]');
  if (queueError) queueError.hidden = !state.queue_error || state.remaining === 0;
  // nothing left to cancel (a display: flex form ignores `hidden`): the button goes
  if (!state.can_cancel) job.querySelector(".cancel-job")?.remove();
  for (const item of state.items) {
    const row = document.querySelector(`#items tr[data-position="${item.position}"]`);
    if (!row || (row.className === `item-${item.status}` && item.status !== "running")) continue;
    row.className = `item-${item.status}`;
    renderOutcome(row.querySelector(".item-outcome"), item);
  }
}

async function poll(job) {
  try {
    const response = await fetch(job.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const state = await response.json();
      render(job, state);
      if (state.finished) return;
    }
  } catch (error) {
    console.warn("ingestion status poll failed", error);
  }
  setTimeout(() => poll(job), POLL_MS);
}

const job = document.getElementById("job");
if (job) poll(job);

// Cancelling and discarding cannot be undone (the items are not retried): ask first. Rows the
// script draws later carry discard forms too, so the question is asked for any form submitted.
const QUESTIONS = {
  "cancel-job": "Cancel the items that have not started? They will not be retried.",
  "discard-item": "Discard this item? Its file is not stored and will not be retried.",
};
document.addEventListener("submit", (event) => {
  const question = QUESTIONS[[...event.target.classList].find((c) => c in QUESTIONS)];
  if (question && !window.confirm(question)) event.preventDefault();
});
