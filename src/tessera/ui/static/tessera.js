// Tessera's own small script. No inline script is allowed (CSP), so page behaviour lives here.
(function () {
  "use strict";

  // <form data-confirm="Really revoke this key?">: ask before submitting (also for htmx forms).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // An error banner swapped in by htmx gets focus, so keyboard and screen-reader users notice it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "messages") {
      var banner = target.querySelector("[role=alert]");
      if (banner) {
        banner.setAttribute("tabindex", "-1");
        banner.focus();
      }
    }
  });
})();
