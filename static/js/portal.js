// The portal's own behaviour, loaded from a file: the Content-Security-Policy allows no inline script.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// --- phone: the header's menu ---
// Without JavaScript the menu is a <details> (its summary folds it). Here it becomes a disclosure
// button with aria-expanded that shows or hides the panel on small screens; on wide screens the panel
// always shows (CSS hides the button).
(() => {
  const menu = document.querySelector("[data-site-menu]");
  if (!menu) return;
  const summary = menu.querySelector(":scope > summary");
  const panel = menu.querySelector(".site-menu-panel");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "menu-toggle";
  button.append(...Array.from(summary.childNodes, (node) => node.cloneNode(true)));
  button.setAttribute("aria-controls", panel.id);
  const setExpanded = (expanded) => {
    button.setAttribute("aria-expanded", String(expanded));
    menu.classList.toggle("is-collapsed", !expanded);
  };
  setExpanded(menu.open);
  // The details stay open (their hidden summary keeps the browser from adding one of its own); the class
  // is-collapsed folds the panel on small screens instead.
  menu.open = true;
  summary.removeAttribute("class");
  summary.hidden = true;
  menu.before(button);
  button.addEventListener("click", () => setExpanded(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setExpanded(false);
      button.focus();
    }
  });
})();

// --- phone: filters ---
// Folded filters (<details data-filters>) open by themselves on wide screens, for browsers whose CSS
// cannot show a closed details' content (portal.css does it where ::details-content is supported).
(() => {
  const wide = window.matchMedia("(min-width: 50.01rem)");
  if (wide.matches) {
    for (const filters of document.querySelectorAll("details[data-filters]")) filters.open = true;
  }
})();
