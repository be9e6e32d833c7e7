// The copy button of the API tokens page. Optional: without it, the token sits
// selected in a read-only field, ready to copy by hand. Its words come from the
// page (data-* attributes), in the reader's language.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector("[data-copy-status]");
  if (!field) return;
  button.hidden = false;
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.copiedText || "Copied";
      if (status) status.textContent = button.dataset.copiedStatus || "The token is on your clipboard.";
    } catch {
      if (status) {
        status.textContent =
          button.dataset.copyByHand || "Press Ctrl+C (or ⌘C) to copy the selected token.";
      }
    }
  });
});
