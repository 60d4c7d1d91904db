// A create form sent once (progressive enhancement: without this script the server still creates one
// thing from a form sent twice, app/staff/once.py). Once a form that carries a one-time token is on
// its way, its buttons are disabled, so a second click on a slow connection does not send it again.
// Coming back to the page (the Back button, which may show it from the browser's cache) enables them.
// The Back button may also draw the page anew (the workspace's pages are not kept: no-store), with a
// new token but with what was typed put back by the browser: sent again unchanged from there, the
// form goes with the token it was first sent with, and opens what that sending made rather than a copy.
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" && !element.disabled;
    });
  }

  var cameBack = (function () {
    var entries = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")
      : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  })();

  function sentKey(form) {
    return "nrtd-sent " + location.pathname + location.search + " " + form.getAttribute("action");
  }

  // What the form sends but its tokens: a file by its name and size (a file box is never put back).
  function typed(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var parts = [];
    data.forEach(function (value, name) {
      if (name !== "form_token" && name !== "csrf_token") {
        parts.push([name, typeof value === "string" ? value : value.name + " " + value.size]);
      }
    });
    return JSON.stringify(parts);
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // refused (a browser's privacy setting): the server still refuses a second sending
    }
  }

  function sameSending(form, token, submitter) {
    var store = storage();
    if (!store) {
      return;
    }
    var key = sentKey(form);
    var values = typed(form, submitter);
    try {
      var sent = JSON.parse(store.getItem(key) || "null");
      if (cameBack && sent && sent.values === values) {
        token.value = sent.token;
      }
      store.setItem(key, JSON.stringify({ token: token.value, values: values }));
    } catch (error) {
      // Full or unreadable: this sending goes with the page's own token.
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var token = form.elements && form.elements.namedItem("form_token");
    if (!token) {
      return;
    }
    sameSending(form, token, event.submitter);
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
