// The API keys page: copy a new key to the clipboard. No inline script is allowed (CSP).
(function () {
  "use strict";

  // <button data-copy="input-id">: copy that input's value and say so in the row's status region.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) {
      return;
    }
    var input = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!input) {
      return;
    }
    function done(text) {
      if (status) {
        status.textContent = text;
      }
    }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { done("Copied."); },
        function () { done("Copy failed: select the key and copy it by hand."); }
      );
    } else {
      done(document.execCommand && document.execCommand("copy") ? "Copied." : "Select the key and copy it by hand.");
    }
  });
})();
