// Signature pad: draw with a finger, stylus or mouse; the strokes are kept as SVG path data
// ("M x y L x y ...", in the canvas's 600 x 200 coordinates) in a hidden input.
(function () {
  "use strict";
  function setUp(canvas) {
    var input = document.getElementById(canvas.dataset.signatureFor);
    var ctx = canvas.getContext("2d");
    var path = input.value || "";
    var drawing = false;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#1a1f24";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return [Math.round((event.clientX - box.left) * canvas.width / box.width),
              Math.round((event.clientY - box.top) * canvas.height / box.height)];
    }
    function redraw() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      var parts = path.trim().split(/\s+/);
      for (var i = 0; i + 2 < parts.length + 1; i += 3) {
        var x = +parts[i + 1], y = +parts[i + 2];
        if (parts[i] === "M") { ctx.beginPath(); ctx.moveTo(x, y); }
        else if (parts[i] === "L") { ctx.lineTo(x, y); ctx.stroke(); }
      }
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      var p = point(event);
      path += (path ? " " : "") + "M " + p[0] + " " + p[1];
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      path += " L " + p[0] + " " + p[1];
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      input.value = path;
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    document.querySelectorAll('[data-signature-clear="' + input.id + '"]').forEach(function (button) {
      button.addEventListener("click", function () {
        path = "";
        input.value = "";
        ctx.clearRect(0, 0, canvas.width, canvas.height);
      });
    });
    redraw();
  }
  function init(root) {
    root.querySelectorAll("canvas[data-signature-for]:not([data-ready])").forEach(function (canvas) {
      canvas.dataset.ready = "1";
      setUp(canvas);
    });
  }
  init(document);
  // Pages that arrive through htmx (boosted links) are set up as they are swapped in.
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
