// Scan a product label: the rear camera, decoded with the browser's BarcodeDetector where it
// reads QR codes, otherwise with jsQR on canvas frames. A FieldApp label (…/a/<token>) opens
// that path on this server, whatever host name was printed on it.
//
// Markup (templates/scan/index.html): inside [data-scan], a video[data-scan-video] (hidden
// until started, optionally inside a [data-scan-viewport] that is shown with it), a
// [data-scan-start] button and a [data-scan-status] element. The start button sits in a
// non-boosted GET form to this page with camera=1: if this script was not loaded (the page
// came through a boosted link, which swaps only the body), tapping it reloads the page
// properly and the camera starts at once.
(function () {
  "use strict";
  var LABEL_PATH = /^\/a\/[A-Za-z0-9_-]{16,64}$/;
  // What people read, in the page's language (gettext: the catalog script the page loads first).
  var TEXT = {
    starting: gettext("Starting the camera…"),
    aim: gettext("Point the camera at the QR code on the product label."),
    notLabel: gettext("This is not a FieldApp label."),
    opening: gettext("Label found. Opening the product…"),
    stopped: gettext("Camera stopped. Tap “Start camera” to scan again."),
    refused: gettext("Camera access was refused. Allow the camera for this site, or type the serial number below."),
    unavailable: gettext("This browser cannot use the camera here. Type the serial number below."),
    noCamera: gettext("No camera was found on this device. Type the serial number below."),
    busy: gettext("The camera is in use by another app. Close it and try again, or type the serial number below."),
    failed: gettext("The camera could not be started. Try again, or type the serial number below."),
    noDecoder: gettext("This browser cannot read QR codes. Type the serial number below."),
    stop: gettext("Stop camera")
  };
  var DECODE_EVERY_MS = 150;     // pause between two decodes: light on battery, still quick
  var NOT_LABEL_MS = 3000;       // how long "not a FieldApp label" stays after the code left
  var CROP_SIZE = 640;           // jsQR decodes the central square, scaled to at most this
  var active = null;             // the running scanner, if any (one per page)

  // The path to open for a decoded text, or null when it is not a FieldApp label.
  function labelPath(text) {
    var url;
    try { url = new URL(String(text).trim(), location.href); } catch (e) { return null; }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return LABEL_PATH.test(url.pathname) ? url.pathname : null;
  }

  // A decoder for video frames: detect(video) resolves to the text of a QR code, or null.
  function makeDecoder() {
    var jsqr = function () {
      if (typeof window.jsQR !== "function") return null;
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      return {
        detect: function (video) {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) return Promise.resolve(null);
          var side = Math.min(w, h), size = Math.min(side, CROP_SIZE);
          if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
          // What the square, object-fit: cover preview shows: the middle of the frame.
          ctx.drawImage(video, (w - side) / 2, (h - side) / 2, side, side, 0, 0, size, size);
          var image = ctx.getImageData(0, 0, size, size);
          var code = window.jsQR(image.data, size, size, { inversionAttempts: "dontInvert" });
          return Promise.resolve(code && code.data ? code.data : null);
        }
      };
    };
    if (typeof window.BarcodeDetector !== "function") return Promise.resolve(jsqr());
    var formats = typeof window.BarcodeDetector.getSupportedFormats === "function"
      ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    return formats.then(function (list) {
      if (list.indexOf("qr_code") < 0) return jsqr();
      var detector;
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { return jsqr(); }
      var fallback = null;
      return {
        detect: function (video) {
          if (fallback) return fallback.detect(video);
          return detector.detect(video).then(function (codes) {
            for (var i = 0; i < codes.length; i++) {
              if (codes[i].rawValue) return codes[i].rawValue;
            }
            return null;
          }, function (error) {
            // Some builds list qr_code but cannot decode (NotSupportedError): use jsQR instead.
            if (error && error.name === "NotSupportedError") {
              fallback = jsqr();
              if (!fallback) throw error;
            }
            return null;
          });
        }
      };
    }, function () { return jsqr(); });
  }

  function setUp(video) {
    var box = video.closest("[data-scan]") || document;
    var button = box.querySelector("[data-scan-start]");
    var status = box.querySelector("[data-scan-status]");
    var viewport = video.closest("[data-scan-viewport]");
    var startLabel = button ? button.textContent : "";
    var run = null;    // the current run: {stream, timer, stopped}

    function say(text, isError) {
      if (!status) return;
      if (status.textContent !== text) status.textContent = text;   // no repeated announcements
      status.classList.toggle("scan__status--error", !!isError);
    }
    function show(visible) {
      video.hidden = !visible;
      if (viewport) viewport.hidden = !visible;
    }
    function setButton(running, disabled) {
      if (!button) return;
      button.textContent = running ? TEXT.stop : startLabel;
      button.disabled = !!disabled;
    }

    function stop(message, isError) {
      if (run) {
        run.stopped = true;
        clearTimeout(run.timer);
        if (run.stream) run.stream.getTracks().forEach(function (track) { track.stop(); });
        run = null;
      }
      if (active === scanner) active = null;
      try { video.pause(); } catch (e) { /* nothing to pause */ }
      video.srcObject = null;
      show(false);
      setButton(false, false);
      if (message !== undefined) say(message, isError);
    }

    function cameraError(error) {
      var name = error && error.name;
      if (name === "NotAllowedError" || name === "PermissionDeniedError" || name === "SecurityError") {
        return TEXT.refused;
      }
      if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") {
        return TEXT.noCamera;
      }
      if (name === "NotReadableError" || name === "TrackStartError") return TEXT.busy;
      return TEXT.failed;
    }

    function start() {
      if (run) return;
      if (active) active.stop();
      if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
        say(TEXT.unavailable, true);
        return;
      }
      var current = run = { stream: null, timer: 0, stopped: false, notLabelUntil: 0 };
      active = scanner;
      setButton(false, true);
      say(TEXT.starting);
      // The decoder first: no point asking for the camera if nothing can read the codes.
      makeDecoder().then(function (decoder) {
        if (current.stopped) return;
        if (!decoder) { stop(TEXT.noDecoder, true); return; }
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
          .then(function (stream) {
            current.stream = stream;
            if (current.stopped) {                            // stopped while asking
              stream.getTracks().forEach(function (track) { track.stop(); });
              return;
            }
            if (!video.isConnected) { stop(); return; }       // the page was swapped away
            video.srcObject = stream;
            show(true);
            var playing = video.play();
            if (playing && playing.catch) playing.catch(function () { /* muted video may play */ });
            setButton(true, false);
            say(TEXT.aim);
            tick(current, decoder);
          }, function (error) {
            if (!current.stopped) stop(cameraError(error), true);
          });
      }).catch(function () {
        if (!current.stopped) stop(TEXT.failed, true);
      });
    }

    function tick(current, decoder) {
      if (current.stopped) return;
      if (!video.isConnected) { stop(); return; }          // swapped out by htmx
      var ready = new Promise(function (resolve) {         // a throw becomes a rejection
        resolve(video.readyState >= 2 ? decoder.detect(video) : null);
      });
      ready.then(function (text) {
        if (current.stopped) return;
        if (text !== null && text !== undefined) {
          var path = labelPath(text);
          if (path) {
            stop();
            setButton(false, true);
            say(TEXT.opening);
            location.assign(path);
            return;
          }
          current.notLabelUntil = Date.now() + NOT_LABEL_MS;
          say(TEXT.notLabel, true);
        } else if (current.notLabelUntil && Date.now() > current.notLabelUntil) {
          current.notLabelUntil = 0;
          say(TEXT.aim);
        }
        current.timer = setTimeout(function () { tick(current, decoder); }, DECODE_EVERY_MS);
      }, function (error) {
        if (current.stopped) return;
        if (error && error.name === "NotSupportedError") { stop(TEXT.noDecoder, true); return; }
        current.timer = setTimeout(function () { tick(current, decoder); }, DECODE_EVERY_MS);
      });
    }

    var scanner = {
      video: video,
      start: start,
      stop: stop,
      running: function () { return !!run; }
    };

    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();          // the button's form only serves pages without this script
        if (run) stop(TEXT.stopped); else start();
      });
    }
    show(false);
    return scanner;
  }

  function init(root) {
    var videos = [];
    if (root.matches && root.matches("video[data-scan-video]:not([data-scan-ready])")) videos.push(root);
    root.querySelectorAll("video[data-scan-video]:not([data-scan-ready])").forEach(function (v) { videos.push(v); });
    videos.forEach(function (video) {
      video.dataset.scanReady = "1";
      var scanner = setUp(video);
      // Arrived through the fallback form (camera=1): start now and drop the flag from the URL.
      var params = new URLSearchParams(location.search);
      if (params.get("camera") === "1") {
        params.delete("camera");
        var query = params.toString();
        try {
          history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
        } catch (e) { /* keep the URL as it is */ }
        scanner.start();
      }
    });
  }

  // Leaving the page (also into the back/forward cache) or hiding it turns the camera off.
  function stopActive(message) {
    if (active && active.running()) active.stop(message);
  }
  window.addEventListener("pagehide", function () { stopActive(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") stopActive(TEXT.stopped);
  });
  // Boosted navigation swaps the body without a pagehide: stop before it, and after any swap
  // that took the video away.
  document.addEventListener("htmx:beforeHistorySave", function () { stopActive(); });
  document.addEventListener("htmx:afterSwap", function () {
    if (active && !active.video.isConnected) active.stop();
  });

  init(document);
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
