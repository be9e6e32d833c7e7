// Names the admin's autocompletes (Select2) after their fields' labels.
// Select2 hides the <select>, which its <label> names, and shows a combobox of
// its own that nothing names: screen readers announced an unnamed box.
// Loaded with defer, so it runs after Django's autocomplete.js wherever the
// page's media put it, and its ready handler after the one that draws the
// comboboxes (jQuery runs ready handlers in the order they were added).
"use strict";
django.jQuery(function () {
  document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const drawn = select.nextElementSibling;
    if (!label || !drawn || !drawn.classList.contains("select2")) return;
    label.id ||= `${select.id}_label`;
    // The shown value: a read-only textbox, named by the label alone.
    const value = drawn.querySelector(".select2-selection__rendered");
    // The combobox: the label, then the value ("Assignee: Unassigned").
    const combobox = drawn.querySelector(".select2-selection");
    if (value) value.setAttribute("aria-labelledby", label.id);
    if (combobox) {
      combobox.setAttribute("aria-labelledby", value ? `${label.id} ${value.id}` : label.id);
    }
  });
});
