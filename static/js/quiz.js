// Quiz page behaviour on top of htmx. Everything here is an enhancement: without it the forms
// post normally and the server does all checking (including the time limit).
(function () {
  "use strict";

  var REGION_ID = "quiz-question";

  // The server answers refused or invalid input with 409/422 and a re-rendered question region;
  // htmx leaves 4xx responses unswapped by default, so let these two through.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 409 || status === 422 || status === 403) && event.detail.target.id === REGION_ID) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a swap, put keyboard focus where the learner continues: an invalid field, the
  // "Next" button after feedback, or the first answer of a new question.
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = document.getElementById(REGION_ID);
    if (!region || !region.contains(event.detail.elt) && event.detail.elt !== region) {
      return;
    }
    var target = region.querySelector("[aria-invalid='true'], #quiz-choice-error") ||
      region.querySelector("[data-quiz-focus]") ||
      region.querySelector("form input:not([type='hidden'])");
    if (target && target.id === "quiz-choice-error") {
      target = region.querySelector("input[name='choice']");
    }
    if (target) {
      target.focus();
    }
    startTimers(region);
  });

  // A countdown for quizzes with a time limit (display only; the server enforces the limit).
  function startTimers(root) {
    root.querySelectorAll("[data-deadline]").forEach(function (element) {
      if (element.dataset.ticking) {
        return;
      }
      element.dataset.ticking = "1";
      var deadline = Date.parse(element.dataset.deadline);
      function tick() {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = String(left % 60).padStart(2, "0");
        element.textContent = left > 0 ? "Time left " + minutes + ":" + seconds : "Time is up";
        if (left > 0 && document.body.contains(element)) {
          window.setTimeout(tick, 1000);
        }
      }
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startTimers(document);
  });
})();
