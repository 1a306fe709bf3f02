// The unlock screen of the hand-over (visits/handover_unlock.html): the technician takes the phone
// back. The phone's own lock (static/app.js, obeyed by the service worker) goes with the
// technician's PIN, checked here against what the offline plan brought (PBKDF2-SHA256, see
// services/accounts.py), or, with signal, with the password or PIN the server checks (it takes
// its own lock off too). Without signal the server never heard of a hand-over made then: only the
// PIN helps. Five wrong answers without signal take this user's pages and queue off the phone.
(function () {
  "use strict";
  var UNLOCK_ATTEMPTS = 5;
  if (!window.FieldStore || window.FieldUnlock) return;  // no offline storage: the server's lock is the only one
  window.FieldUnlock = true;

  function hex(bytes) {
    return [].map.call(new Uint8Array(bytes), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function pinMatches(secret, verifier) {  // "pbkdf2-sha256$iterations$salt$key"
    var parts = (verifier || "").split("$");
    if (parts.length !== 4 || !/^[0-9]{4,8}$/.test(secret) || !window.crypto || !crypto.subtle) {
      return Promise.resolve(false);
    }
    var salt = new Uint8Array(parts[2].match(/../g).map(function (pair) { return parseInt(pair, 16); }));
    return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveBits"])
      .then(function (key) {
        return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: Number(parts[1]) },
                                        key, 256);
      }).then(function (bits) { return hex(bits) === parts[3]; });
  }
  function takeBack(lock) {
    return FieldStore.put("meta", null, "handover").then(function () {
      location.assign(lock.unlock.replace(/\/handover\/unlock$/, ""));
    });
  }
  function refused(form, text) {
    var error = form.querySelector(".field__error") || document.createElement("p");
    error.className = "field__error";
    error.setAttribute("role", "alert");
    error.textContent = text;
    form.querySelector(".field").appendChild(error);
  }
  function wipePhone() {  // not the technician's phone any more
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }).then(FieldStore.clear).then(function () { location.assign("/login"); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-unlock]")) return;
    event.preventDefault();
    var secret = form.querySelector("input[name=secret]").value;
    Promise.all([FieldStore.get("meta", "handover"), FieldStore.get("meta", "plan")]).then(function (found) {
      var lock = found[0], plan = found[1] || {};
      if (!lock) return form.submit();  // the server's lock alone: it checks
      return pinMatches(secret, plan.pin).then(function (right) {
        if (!navigator.onLine) {
          if (right) return takeBack(lock);
          lock.failures = (lock.failures || 0) + 1;
          if (lock.failures >= UNLOCK_ATTEMPTS) return wipePhone();
          return FieldStore.put("meta", lock, "handover").then(function () {
            refused(form, plan.pin ?
              ngettext("That is not your PIN (%(num)s attempt left). Your password needs signal.",
                       "That is not your PIN (%(num)s attempts left). Your password needs signal.",
                       UNLOCK_ATTEMPTS - lock.failures) :
              gettext("Without signal only your PIN takes the phone back: set one under Account. " +
                      "With signal, your password does."));
          });
        }
        // With signal the server checks it as well, and takes its own lock off.
        return fetch(form.action, { method: "POST", body: new FormData(form) }).then(function (response) {
          var path = new URL(response.url).pathname;
          if (response.ok && !/\/handover\/unlock$/.test(path) && path !== "/login") return takeBack(lock);
          if (path === "/login") return wipePhone();  // five wrong answers: the server ended the session
          return response.text().then(function (html) {  // the server's own words (attempts left)
            var said = new DOMParser().parseFromString(html, "text/html").querySelector(".field__error");
            refused(form, said ? said.textContent : gettext("That is not your password or PIN."));
          });
        });
      });
    }).catch(function () { form.submit(); });
  }, true);
})();
