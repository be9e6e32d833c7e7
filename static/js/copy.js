// The copy button of the API tokens page. Optional: without it, the token sits
// selected in a read-only field, ready to copy by hand.
// What it says comes from the page, translated there: the data-* attributes of
// this script's own element (data-copied, data-copied-status, data-copy-by-hand).
const words = document.currentScript ? document.currentScript.dataset : {};
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
      if (words.copied) button.textContent = words.copied;
      if (status) status.textContent = words.copiedStatus || "";
    } catch {
      if (status) status.textContent = words.copyByHand || "";
    }
  });
});
