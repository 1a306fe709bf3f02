// FieldApp's only hand-written script for every page: tell the user when a request did not
// get through, so nothing looks saved that was not. (htmx leaves the form as it was.)
(function () {
  "use strict";
  function say(text) {
    var box = document.getElementById("messages");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "message message--error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  }

  // A captured field of the visit page (form.capture) is warned at the field itself: the top of
  // the page is out of view, and a "Saved" beside unsaved text would be a lie.
  function captureOf(event) {
    var config = event.detail.requestConfig;
    return config && config.elt.closest ? config.elt.closest("form.capture") : null;
  }
  function unmarkSaved(form) {
    form.classList.remove("capture--saved");
    var mark = form.querySelector(".saved");
    if (mark) mark.remove();
  }
  function notSaved(form, reason, retry) {
    unmarkSaved(form);
    var old = form.querySelector(".capture__unsaved");
    if (old) old.remove();  // a new element, so a second failure is announced again
    var note = document.createElement("p");
    note.className = "capture__unsaved";
    note.setAttribute("role", "alert");
    note.textContent = "Not saved: " + reason + ". Your text is still here; " + retry + ".";
    (form.querySelector("fieldset") || form).appendChild(note);
  }

  document.addEventListener("htmx:sendError", function (event) {
    var form = captureOf(event);
    if (form) notSaved(form, "no connection", "save again when you have signal");
    else say("No connection. Nothing was lost on this screen; try again when you have signal.");
  });
  document.addEventListener("htmx:timeout", function (event) {
    var form = captureOf(event);
    if (form) notSaved(form, "the server took too long to answer", "save again");
    else say("The server took too long to answer. Try again.");
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = captureOf(event);
    if (!form || event.detail.xhr.status < 500) return;
    notSaved(form, "the server had a problem", "save again");
    // Our own 5xx goes to #messages; any other (a proxy's page) must not replace the typed text.
    if (event.detail.target === form) event.detail.shouldSwap = false;
  });
  // Typing after a save: what is on screen is no longer what was saved.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.capture");
    if (form) unmarkSaved(form);
  });

  // Print buttons (the label sheet): no inline handlers under the CSP.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
