// The proposal page: after an answer replaces the decision region (htmx), move focus to what changed,
// so keyboard and screen-reader users land on the field to fix or on the confirmation.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "decision") {
      return;
    }
    var invalid = target.querySelector("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
      return;
    }
    var message = target.querySelector(".field-error") || target.querySelector(".flash") || target.querySelector("h2");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  });
})();
