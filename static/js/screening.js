// Screening: answer with one key. r = relevant, n = not relevant (outside the note field);
// Ctrl/Cmd+Enter in the note answers relevant. The buttons stay the way to answer by mouse.
const form = document.getElementById("screening-form");

function answer(relevant) {
  const button = form.querySelector(`button[name="relevant"][value="${relevant ? "1" : "0"}"]`);
  if (button && !form.dataset.sent) {
    form.dataset.sent = "1";
    form.requestSubmit(button);
  }
}

if (form) {
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey || event.ctrlKey) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        answer(true);
      }
      return;
    }
    const target = event.target;
    const typing = target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    if (typing) return;
    if (event.key === "r") {
      event.preventDefault();
      answer(true);
    } else if (event.key === "n") {
      event.preventDefault();
      answer(false);
    }
  });
}
