// After a failed submit, move focus to the error summary (templates/registrations/_error_summary.html)
// so that keyboard and screen reader users start from the list of problems; each links to its field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
