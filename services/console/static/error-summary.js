// Moves keyboard focus to a form's error summary when a page shows one, so a screen reader reads it
// first. The page works the same without this script.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
