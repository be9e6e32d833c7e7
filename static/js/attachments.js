// Drag and drop onto a file field ([data-dropzone]); without scripts the plain
// <input type=file multiple> works as it is. Dropped files replace the chosen
// ones, and their names are listed as text (never as markup).
(function () {
  "use strict";
  function list(zone, input) {
    var out = zone.querySelector(".dropzone-files");
    if (!out) return;
    out.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var li = document.createElement("li");
      li.textContent = file.name;
      out.appendChild(li);
    });
  }
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) return;
    var hint = zone.querySelector(".dropzone-hint");
    if (hint) hint.hidden = false;
    input.addEventListener("change", function () { list(zone, input); });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dropzone-over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dropzone-over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dropzone-over");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      list(zone, input);
    });
  });
})();
