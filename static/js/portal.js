// The portal's own behaviour, loaded from a file: the Content-Security-Policy allows no inline script.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
