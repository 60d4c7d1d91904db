// The progress update's Attach button, checked before the form is sent (progressive enhancement:
// without this script the server refuses the same files). A body over the server's limit is stopped
// while it arrives, before the form's text is read, so the page answering it cannot show the text
// typed in the update's fields: a file over the limit, or more files than one upload takes, is named
// here instead, nothing is sent, and the text stays where it was typed.
(function () {
  "use strict";

  function problemWith(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > Number(input.getAttribute("data-max-files"))) {
      return input.getAttribute("data-too-many");
    }
    var limit = Number(input.getAttribute("data-max-bytes"));
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > limit) {
        return input.getAttribute("data-too-large").split("{file}").join(files[i].name);
      }
    }
    return null;
  }

  function show(input, problem) {
    var message = document.getElementById("error-file");
    if (!message) {
      message = document.createElement("p");
      message.className = "error-message";
      message.id = "error-file";
      input.parentNode.insertBefore(message, input);
      input.setAttribute("aria-describedby", input.getAttribute("aria-describedby") + " error-file");
    }
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = input.getAttribute("data-error-label");
    message.replaceChildren(label, document.createTextNode(" " + problem));
    input.setAttribute("aria-invalid", "true");
    input.parentNode.classList.add("field-error");
    input.focus();
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-attach")) {
      return;
    }
    var input = document.getElementById("field-file");
    var problem = input && problemWith(input);
    if (problem) {
      event.preventDefault();
      show(input, problem);
    }
  });
})();
