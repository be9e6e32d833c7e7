// The copy button of the API tokens page. Optional: without it, the token sits
// selected in a read-only field, ready to copy by hand.
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
      button.textContent = "Copied";
      if (status) status.textContent = "The token is on your clipboard.";
    } catch {
      if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected token.";
    }
  });
});
