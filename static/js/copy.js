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
      if (button.dataset.copiedText) button.textContent = button.dataset.copiedText;
      if (status) status.textContent = button.dataset.copiedStatus || "";
    } catch {
      if (status) {
        status.textContent = button.dataset.copyByHand || "";
      }
    }
  });
});
