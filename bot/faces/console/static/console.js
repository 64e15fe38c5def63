// quntag console: progressive enhancement only; every page works without this file.
"use strict";
document.addEventListener("submit", (event) => {
  // Forms that change a lot ask first (the question is in the form's data-confirm).
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
