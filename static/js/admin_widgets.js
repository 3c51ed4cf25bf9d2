// The admin's searchable lists (select2, shipped with Django), each named after its field.
// Loaded after Django's admin/js/autocomplete.js (see portal/admin_widgets.py): the page's
// Content-Security-Policy allows no inline script.
"use strict";
{
  const $ = django.jQuery;
  let counter = 0;

  // The id of an element holding the field's name: its <label>, or a hidden text made from the
  // select's aria-label (a tabular inline has column headers, no labels).
  function nameId(select) {
    const label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    if (label) {
      if (!label.id) {
        label.id = `${select.id}-label`;
      }
      return label.id;
    }
    const text = select.getAttribute("aria-label");
    if (!text) {
      return null;
    }
    const hidden = document.createElement("span");
    hidden.id = `${select.id || `searchable-${++counter}`}-name`;
    hidden.className = "visually-hidden";
    hidden.textContent = text;
    select.after(hidden);
    return hidden.id;
  }

  // select2 names its box by the selected value only, and its search input not at all: the box
  // and the input get the field's name; the selected value's text stays part of the box's name.
  function name(select) {
    const container = $(select).next(".select2");
    if (!container.length || select.dataset.named) {
      return;
    }
    const id = nameId(select);
    if (!id) {
      return;
    }
    select.dataset.named = "true";
    const box = container.find(".select2-selection");
    const rendered = box.find(".select2-selection__rendered");
    if (box.hasClass("select2-selection--single")) {
      rendered.removeAttr("role").removeAttr("aria-readonly");
      box.attr("aria-labelledby", `${id} ${rendered.attr("id")}`);
    } else {
      box.attr("aria-labelledby", id);
      container.find(".select2-search__field").attr("aria-labelledby", id);
    }
  }

  function start(root) {
    $(root)
      .find("select.admin-searchable")
      .not("[name*=__prefix__]")
      .each((_index, select) => {
        $(select).select2();
      });
    $(root).find("select.admin-searchable, select.admin-autocomplete").not("[name*=__prefix__]").each((_index, select) => name(select));
  }

  $(() => start(document));
  document.addEventListener("formset:added", (event) => start(event.target));
}
