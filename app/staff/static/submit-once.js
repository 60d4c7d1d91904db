// A create form sent once (progressive enhancement: without this script the server still creates one
// thing from a form sent twice, app/staff/once.py). Once a form that carries a one-time token is on
// its way, its buttons are disabled, so a second click on a slow connection does not send it again.
// Coming back to the page (the Back button, which may show it from the browser's cache) enables them.
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" && !element.disabled;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.elements || !form.elements.namedItem("form_token")) {
      return;
    }
    // After the event: disabled now, the button pressed would not send its own value (submit=true).
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        return; // another script stopped it (a file too large): nothing was sent
      }
      submitButtons(form).forEach(function (button) {
        button.disabled = true;
        button.setAttribute("data-sent", "");
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sent]"), function (button) {
      button.disabled = false;
      button.removeAttribute("data-sent");
    });
  });
})();
