// FieldApp's service worker (served at /sw.js by views/visits/offline.py): keeps a technician's pages
// for work without signal and sends the changes queued meanwhile, each exactly once.
// Plain JavaScript, no build step. Version {{ version }}.
// Rendered per request in the signed-in person's language (the worker runs without a page, so
// without the pages' gettext): its few texts come translated below; %(name)s is filled in here.
"use strict";
importScripts({{ store | tojson }});
{% set server_failure_tries = 3 %}

var STATIC_CACHE = "static-{{ version }}";
var STATIC = {{ static | tojson }};
var NETWORK_WAIT = 4000;  // ms: then a kept copy is shown while the network keeps trying
var MATCH = { ignoreVary: true };
var RETRY_MAX = 5 * 60 * 1000;
var SERVER_FAILURE_TRIES = {{ server_failure_tries }};  // a 500 this many times running is a fault, not bad luck
var LANG = {{ html_lang() | tojson }};
var TEXT = {
  offline: {{ _("Offline") | tojson }},
  noSignal: {{ _("No signal") | tojson }},
  notKept: {{ _("This page was not kept on this phone. Try again when you have signal.") | tojson }},
  technicianOnly: {{ _("Technician only") | tojson }},
  handBack: {{ _("Please hand the phone back to the technician. Taking it back needs signal.") | tojson }},
  serverFailed: {{ ngettext("The server failed on this change %(num)d time: tell the office.",
                            "The server failed on this change %(num)d times: tell the office.",
                            server_failure_tries) | tojson }},
  serverRefused: {{ _("The server refused this change (%(status)s).", status="%(status)s") | tojson }}
};

// A small page of its own, when nothing kept can answer (the texts are escaped: never markup).
function notice(title, heading, text) {
  var escape = function (value) {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  return new Response(
    "<!doctype html><html lang=\"" + LANG + "\"><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>" + escape(title) + " · FieldApp</title><h1>" + escape(heading) + "</h1><p>" + escape(text) + "</p>",
    { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(STATIC); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("static-") === 0 && name !== STATIC_CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// ---- Reading: static files from the cache, pages from the network first ----

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // writes go to the network; the page queues them offline
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request, false));
  } else if (/^\/text\/[^/]+\.js$/.test(url.pathname)) {
    // The scripts' texts in a language (views/languages): the worker's own is in STATIC; another
    // (the language changed, the worker not updated yet) is kept once fetched.
    event.respondWith(staticFile(request, true));
  } else if (request.mode === "navigate" || request.headers.get("HX-Boosted") === "true") {
    event.respondWith(FieldStore.get("meta", "handover").catch(function () { return null; }).then(function (lock) {
      return lock ? lockedPage(request, url, lock) : page(request, true);
    }));
  } else if (url.pathname === "/offline/parts.json") {
    event.respondWith(page(request, false));
  }
});

function staticFile(request, keepIt) {
  return caches.match(request).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (!keepIt || !response.ok) return response;
      var copy = response.clone();
      return caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); })
        .then(function () { return response; }, function () { return response; });
    }).catch(function () {
      // A page kept before an update names an older version of the file: the current one serves.
      return caches.match(request, { ignoreSearch: true }).then(function (older) { return older || Response.error(); });
    });
  });
}

function userCache() {
  return FieldStore.get("meta", "plan").then(function (plan) {
    return plan ? caches.open("pages-" + plan.user) : null;
  }).catch(function () { return null; });
}

function page(request, isPage) {
  var key = request.url;
  return userCache().then(function (cache) {
    var kept = cache ? cache.match(key, MATCH) : Promise.resolve(undefined);
    var network = fetch(request).then(function (response) {
      // A kept page is refreshed whenever it is fetched: the copy is as new as the last visit.
      if (cache && response.ok && !response.redirected) {
        kept.then(function (hit) { if (hit) cache.put(key, response.clone()); });
      }
      return response;
    });
    var late = new Promise(function (resolve) {
      setTimeout(function () { kept.then(function (hit) { if (hit) resolve(hit); }); }, NETWORK_WAIT);
    });
    return Promise.race([network, late]).catch(function () {
      return kept.then(function (hit) {
        if (hit) return hit;
        if (!isPage) return Response.error();
        return (cache ? cache.match("/offline", MATCH) : Promise.resolve(undefined)).then(function (fallback) {
          return fallback || notice(TEXT.offline, TEXT.noSignal, TEXT.notKept);
        });
      });
    });
  });
}

// ---- The hand-over lock: while the customer holds the phone ----
// Set by the page when the technician hands over (static/app.js); only the visit's rating and
// unlock screens open. With signal and a lock the server knows too, the server decides (and a
// staff page it lets through means the technician took the phone back elsewhere); without signal,
// or a lock the server never heard of, anything else is the unlock screen: never a kept copy.

function lockedPage(request, url, lock) {
  var visit = "/visits/" + lock.visit + "/handover";
  if (url.pathname === visit || url.pathname === visit + "/" || url.pathname === lock.unlock) {
    return page(request, true);
  }
  var unlockScreen = function () {
    return userCache().then(function (cache) { return cache ? cache.match(lock.unlock, MATCH) : undefined; })
      .then(function (kept) {
        return kept || notice(TEXT.technicianOnly, TEXT.technicianOnly, TEXT.handBack);
      });
  };
  if (!lock.server) return unlockScreen();
  return fetch(request).then(function (response) {
    var locked = response.redirected && new URL(response.url).pathname === lock.unlock;
    if (!locked && response.ok && new URL(response.url).pathname !== "/login") {
      return FieldStore.put("meta", null, "handover").then(function () { return response; });
    }
    return response;
  }, unlockScreen);
}

// ---- Keeping a technician's days: the plan from /offline/manifest ----

function keep() {
  return fetch("/offline/manifest", { headers: { "HX-Request": "true" }, cache: "no-store" }).then(function (response) {
    if (!response.ok || response.redirected) return null;
    return response.json().then(function (plan) {
      return FieldStore.get("meta", "plan").then(function (known) {
        var cacheName = "pages-" + plan.user;
        return caches.open(cacheName).then(function (cache) {
          return cache.keys().then(function (keys) {
            if (known && known.user === plan.user && known.version === plan.version && keys.length) return null;
            return fetchAll(cache, plan.urls).then(function () {
              var wanted = plan.urls.map(function (path) { return new URL(path, self.location.origin).href; });
              return Promise.all(keys.filter(function (request) { return wanted.indexOf(request.url) < 0; })
                .map(function (request) { return cache.delete(request); }));
            });
          }).then(function () {
            return FieldStore.put("meta", { user: plan.user, version: plan.version, at: Date.now(),
                                            visits: plan.visits.length, pin: plan.pin }, "plan");
          }).then(function () {
            return FieldStore.put("meta", Date.now(), "lastSync");
          }).then(function () {
            // Another user's pages never stay on a phone someone else signed in to.
            return caches.keys().then(function (names) {
              return Promise.all(names.filter(function (name) { return name.indexOf("pages-") === 0 && name !== cacheName; })
                .map(function (name) { return caches.delete(name); }));
            });
          });
        });
      });
    });
  }).catch(function () { return null; }).then(tellPages);
}

function fetchAll(cache, urls) {
  // Four at a time: quick enough to be done before the van leaves, gentle on a weak signal.
  var queue = urls.slice();
  function worker() {
    var url = queue.shift();
    if (!url) return Promise.resolve();
    return fetch(url, { headers: { "X-FieldApp-Prefetch": "1" } }).then(function (response) {
      if (response.ok && !response.redirected) return cache.put(url, response);
    }).catch(function () {}).then(worker);
  }
  return Promise.all([worker(), worker(), worker(), worker()]);
}

// ---- Sending the queue: one sender at a time, in the order the changes were made ----

function sendQueue() {
  if (self.navigator.locks) {
    return self.navigator.locks.request("fieldapp-outbox", { ifAvailable: true }, function (lock) {
      return lock ? send() : null;
    });
  }
  return send();
}

function send() {
  return FieldStore.all().then(function (items) {
    var waiting = items.filter(function (item) { return item.state === "waiting"; });
    if (!waiting.length || (waiting[0].due || 0) > Date.now()) return null;
    // A fresh CSRF token each time: a stored one would have expired after a day without signal.
    return fetch("/offline/token", { headers: { "HX-Request": "true" }, cache: "no-store" }).then(function (response) {
      if (response.status === 401 || response.status === 403) return pause();
      if (!response.ok) return retryLater(waiting[0]);
      return FieldStore.put("meta", null, "paused").then(function () { return response.json(); })
        .then(function (token) { return sendEach(waiting, token); });
    }, function () { return null; });  // no network: the next trigger tries again
  }).then(tellPages, tellPages);
}

function pause() {
  return FieldStore.put("meta", "signin", "paused");
}

function sendEach(items, token) {
  var delivered = 0;
  function next(index) {
    if (index >= items.length) return delivered ? FieldStore.put("meta", Date.now(), "lastSync") : null;
    var item = items[index];
    if (item.user !== token.user) return next(index + 1);  // never sent as somebody else
    return post(item, token.csrf).then(function (response) {
      if (response.type === "opaqueredirect" || response.ok) {
        delivered += 1;
        return FieldStore.remove("outbox", item.id).then(function () { return next(index + 1); });
      }
      if (response.status === 401 || response.status === 403) return pause();
      // Busy or unreachable behind a proxy: later. A failure of the server itself (500) that
      // repeats will not succeed by trying forever: after a few tries it is shown as not sent.
      var failing = response.status === 500 && (item.attempts || 0) + 1 >= SERVER_FAILURE_TRIES;
      if ((response.status >= 500 && !failing) || response.status === 429) return retryLater(item);
      item.state = (response.status === 409 || response.status === 412) ? "conflict" : "refused";
      item.status = response.status;
      item.reason = failing ? TEXT.serverFailed :
        decodeURIComponent(response.headers.get("X-FieldApp-Message") || "") ||
        TEXT.serverRefused.replace("%(status)s", response.status);
      item.serverVersion = response.headers.get("X-Schedule-Version");
      return FieldStore.put("outbox", item).then(function () { return next(index + 1); });
    }, function () { return retryLater(item); });  // stop here: later changes may depend on this one
  }
  return next(0);
}

function post(item, csrf) {
  var body = new FormData();
  item.fields.forEach(function (field) {
    if (field[1] instanceof Blob) body.append(field[0], field[1], field[2] || "photo.jpg");
    else body.append(field[0], field[1]);
  });
  body.set("csrf_token", csrf);
  body.set("client_id", item.id);
  body.set("happened_at", item.at);
  return fetch(item.url, {
    method: "POST", body: body, redirect: "manual", cache: "no-store",
    headers: { "HX-Request": "true", "X-CSRFToken": csrf, "X-FieldApp-Queued": "1" }
  });
}

function retryLater(item) {
  item.attempts = (item.attempts || 0) + 1;
  item.due = Date.now() + Math.min(RETRY_MAX, 1000 * Math.pow(2, item.attempts - 1));  // 1 s, 2 s, 4 s…
  return FieldStore.put("outbox", item);
}

function tellPages() {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (pages) {
    pages.forEach(function (client) { client.postMessage({ type: "outbox" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") event.waitUntil(sendQueue());
});

self.addEventListener("message", function (event) {
  var what = event.data && event.data.type;
  if (what === "send") event.waitUntil(sendQueue());
  else if (what === "keep") event.waitUntil(keep());
  else if (what === "claim") event.waitUntil(self.clients.claim());  // a page opened while this worker was starting
});
