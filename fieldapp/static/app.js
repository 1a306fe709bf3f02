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
  document.addEventListener("htmx:sendError", function () {
    say("No connection. Nothing was lost on this screen; try again when you have signal.");
  });
  document.addEventListener("htmx:timeout", function () {
    say("The server took too long to answer. Try again.");
  });
  // Print buttons (the label sheet): no inline handlers under the CSP.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
