// Calculators: keep each input's invalid state in step with the error slot beside it.
// htmx swaps the slots out of band while the learner types (the inputs themselves are never
// replaced, so focus and caret stay put); this mirrors the slot onto the input for styling and
// for screen readers (aria-invalid). Without JavaScript the server renders the same state.
(function () {
  "use strict";

  function syncInvalidState() {
    document.querySelectorAll(".tool-field-errors[data-for]").forEach(function (slot) {
      var invalid = slot.textContent.trim() !== "";
      var form = slot.closest("form") || document;
      form.querySelectorAll('[name="' + slot.dataset.for + '"]').forEach(function (input) {
        input.classList.toggle("is-invalid", invalid);
        if (invalid) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
    });
  }

  // A failed recalculation must not leave an old answer looking current.
  function reportFailure() {
    var result = document.getElementById("tool-result");
    if (result) {
      result.classList.add("tool-result-stale");
    }
    var announcement = document.getElementById("tool-announcement");
    if (announcement) {
      announcement.textContent =
        "The result could not be updated. Press Calculate to try again.";
    }
  }

  document.addEventListener("htmx:afterSettle", syncInvalidState);
  document.addEventListener("htmx:responseError", reportFailure);
  document.addEventListener("htmx:sendError", reportFailure);
})();
