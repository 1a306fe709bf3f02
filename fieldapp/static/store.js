// The phone's own storage, shared by the page (app.js, sync.js) and the service worker:
// IndexedDB "fieldapp" with the outbox of queued changes and a few facts in "meta".
// An outbox item: {id (its write id, a UUID), seq, user, url, label (in the language of the page
// it was made on), part (a part added: its name), visit, at (ISO time it happened),
// fields: [[name, value]...] (values are strings or Blobs; never a CSRF token),
// state: "waiting" | "refused" | "conflict", reason, status, attempts, due (ms), serverVersion}.
var FieldStore = (function () {
  "use strict";
  var opening = null;
  var deleted = false;  // signing out deleted the storage under this page (Clear-Site-Data)
  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("fieldapp", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("outbox", { keyPath: "id" });
          request.result.createObjectStore("meta");
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); opening = null; };  // sign-out deletes it
          db.onclose = function () { deleted = true; opening = null; };  // ...or the browser does
          resolve(db);
        };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }
  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = action(tx.objectStore(store));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    }).catch(function (error) {
      // The page is on its way out after a sign-out took the storage off the phone (the
      // connection is force-closed: its transactions abort, new ones cannot start). What the
      // page asked for is gone with it, which is not an error to show.
      if (deleted || (error && (error.name === "AbortError" || error.name === "InvalidStateError"))) {
        opening = null;
        return undefined;
      }
      throw error;
    });
  }
  var seqCounter = 0;
  return {
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    put: function (store, value, key) { return run(store, "readwrite", function (s) { return s.put(value, key); }); },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function () {
      return run("outbox", "readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    // From a page: a message to the service worker ("send", "keep"), once it is active.
    tellWorker: function (message) {
      navigator.serviceWorker.ready.then(function (registration) { registration.active.postMessage(message); });
    },
    // Order of making, even for two changes in the same millisecond.
    nextSeq: function () { seqCounter = (seqCounter + 1) % 1000; return Date.now() * 1000 + seqCounter; },
    clear: function () {
      opening = null;
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("fieldapp");
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }
  };
})();
