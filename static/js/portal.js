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
// --- offerform: the error summary and photo previews ---
// A form's error summary takes the focus on load, so that its list of links to the fields is read first.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// Previews of the photos chosen, before they are uploaded (without JavaScript the upload works the same).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-previews")) {
    return;
  }
  let list = input.parentElement.querySelector(".photo-previews");
  if (!list) {
    list = document.createElement("ul");
    list.className = "photos photo-previews";
    input.insertAdjacentElement("afterend", list);
  }
  list.replaceChildren();
  for (const file of input.files) {
    if (!file.type.startsWith("image/")) {
      continue;
    }
    const item = document.createElement("li");
    const figure = document.createElement("figure");
    const image = document.createElement("img");
    const caption = document.createElement("figcaption");
    image.alt = "";
    caption.textContent = file.name;
    figure.append(image, caption);
    item.append(figure);
    list.append(item);
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      image.src = reader.result;
    });
    reader.readAsDataURL(file);
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
