// The portal's own behaviour, loaded from a file: the Content-Security-Policy allows no inline script.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// --- path: the proposal's answer form shows the reason for declining only when declining ---
(() => {
  const sync = (form) => {
    const chosen = form.querySelector("input[name='answer']:checked");
    form.querySelectorAll("[data-shown-for-answer]").forEach((block) => {
      block.hidden = !chosen || chosen.value !== block.dataset.shownForAnswer;
    });
  };
  document.querySelectorAll("[data-shown-for-answer]").forEach((block) => sync(block.closest("form")));
  document.addEventListener("change", (event) => {
    if (event.target.matches("input[name='answer']") && event.target.form) {
      sync(event.target.form);
    }
  });
})();
