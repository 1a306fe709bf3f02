// FieldApp's script for every page. First: tell the user when a request did not get through, so
// nothing looks saved that was not (htmx leaves the form as it was). Then, for technicians only
// (<body data-offline>), the phone's offline queue. Every text goes through gettext/ngettext
// (the page's language: defined by the texts script base.html loads first).
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
  function notSaved(form, text) {
    unmarkSaved(form);
    var old = form.querySelector(".capture__unsaved");
    if (old) old.remove();  // a new element, so a second failure is announced again
    var note = document.createElement("p");
    note.className = "capture__unsaved";
    note.setAttribute("role", "alert");
    note.textContent = text;
    (form.querySelector("fieldset") || form).appendChild(note);
  }

  document.addEventListener("htmx:sendError", function (event) {
    var poll = /\bevery\b/.test(event.detail.elt.getAttribute("hx-trigger") || "");
    if (poll && !navigator.onLine) return;  // the list refreshes itself when signal returns
    var form = captureOf(event);
    if (form) {
      notSaved(form, gettext("Not saved: no connection. Your text is still here; save again when you have signal."));
    } else {
      say(gettext("No connection. Nothing was lost on this screen; try again when you have signal."));
    }
  });
  document.addEventListener("htmx:timeout", function (event) {
    var form = captureOf(event);
    if (form) {
      notSaved(form, gettext("Not saved: the server took too long to answer. Your text is still here; save again."));
    } else {
      say(gettext("The server took too long to answer. Try again."));
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = captureOf(event);
    if (!form || event.detail.xhr.status < 500) return;
    notSaved(form, gettext("Not saved: the server had a problem. Your text is still here; save again."));
    // Our own 5xx goes to #messages; any other (a proxy's page) must not replace the typed text.
    if (event.detail.target === form) event.detail.shouldSwap = false;
  });
  // Typing after a save: what is on screen is no longer what was saved.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.capture");
    if (form) unmarkSaved(form);
  });

  // What a page polls (Today, the board: hx-trigger "every ..."): signed-in pages are never kept
  // by the browser (Cache-Control: no-store), so the poll sends the tag of what it shows itself,
  // and an unchanged answer is a 304 with no body (htmx leaves the part as it is).
  document.addEventListener("htmx:configRequest", function (event) {
    var tag = event.detail.elt.dataset && event.detail.elt.dataset.etag;
    if (tag && /\bevery\b/.test(event.detail.elt.getAttribute("hx-trigger") || "")) {
      event.detail.headers["If-None-Match"] = tag;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, elt = event.detail.elt;
    var tag = xhr && xhr.status === 200 && xhr.getResponseHeader("ETag");
    if (tag && elt && /\bevery\b/.test(elt.getAttribute("hx-trigger") || "")) {
      // The swap replaced the element (outerHTML): the tag goes on the new one.
      var now = elt.id ? document.getElementById(elt.id) : null;
      (now || elt).dataset.etag = tag;
    }
  });

  // Print buttons (the label sheet): no inline handlers under the CSP.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // A link to a folded part of a page (the case page's #book) unfolds it.
  function unfold() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var folded = target && target.closest("details");
    if (folded && !folded.open) { folded.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", unfold);
  document.addEventListener("htmx:afterSettle", unfold);
  unfold();
})();

// Work without signal (technicians: <body data-offline>). The service worker (/sw.js) keeps
// today's and tomorrow's pages; here a change made without signal, or while older ones still
// wait, is queued in the phone's storage (store.js) with its write id and the time it happened,
// marked "Waiting to send" where it was made, and sent by the worker when signal returns.
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.offline || !("serviceWorker" in navigator) || !window.indexedDB) return;
  var user = Number(body.dataset.offline);
  var waiting = 0;  // changes of this user still to send, known synchronously for the next tap
  var kept = 0;  // all of this user's changes on the phone, refused ones included
  var timer = null;
  var writes = Promise.resolve();  // queued changes are stored one after the other, in order
  var stored = {};  // ids known to have reached the phone's storage: only those can be "Sent"

  navigator.serviceWorker.register("/sw.js").catch(function () {});
  var worker = FieldStore.tellWorker;
  if (!navigator.serviceWorker.controller) worker({ type: "claim" });
  function send() {
    if (navigator.onLine) worker({ type: "send" });
  }

  // ---- The badge: what waits, what was refused, when the phone last synced ----
  function refresh() {
    return Promise.all([FieldStore.all(), FieldStore.get("meta", "lastSync"), FieldStore.get("meta", "paused")])
      .then(function (found) {
        var mine = found[0].filter(function (item) { return item.user === user; });
        var pending = mine.filter(function (item) { return item.state === "waiting"; });
        var problems = mine.length - pending.length;
        waiting = pending.length;
        kept = mine.length;
        showBadge(pending.length, problems, found[1], found[2]);
        clearTimeout(timer);
        if (pending.length) {  // the worker retries on reconnect and on Background Sync; this is the rest
          var due = Math.max(1000, (pending[0].due || 0) - Date.now());
          timer = setTimeout(send, Math.min(due, 30000));
        }
        mine.forEach(function (item) { markWaiting(item); });
        unmarkDelivered(mine);
      });
  }
  function showBadge(pending, problems, lastSync, paused) {
    var badge = document.getElementById("sync-badge");
    if (!badge) return;
    var parts = [];
    if (!navigator.onLine) parts.push(gettext("Offline"));
    if (paused === "signin" && pending) parts.push(gettext("Sign in to send %(count)s", { count: pending }));
    else if (pending) parts.push(ngettext("%(num)s waiting", "%(num)s waiting", pending));
    if (problems) parts.push(ngettext("%(num)s to check", "%(num)s to check", problems));
    if (!pending && !problems) {
      parts.push(lastSync ? gettext("Synced %(time)s", { time: clock(new Date(lastSync)) }) : gettext("Sync"));
    }
    badge.textContent = parts.join(" · ");
    badge.classList.toggle("sync-badge--problem", !!problems || paused === "signin");
    badge.classList.toggle("sync-badge--offline", !navigator.onLine);
  }
  function clock(date) {
    return date.toLocaleTimeString(pageLocale(), { hour: "2-digit", minute: "2-digit" });
  }
  // The page's language for dates (English is written the European way, as on the server: 14:30).
  function pageLocale() {
    var lang = document.documentElement.lang || "en";
    return lang === "en" ? "en-GB" : lang;
  }

  // ---- Queueing a change ----
  function queueable(form) {
    return form && form.method === "post" && form.closest("[data-queue]") && !form.dataset.handover;
  }
  // `sent`: a request htmx made that got no answer ({data, at}): what it carried, under its own
  // write id, is queued rather than what the form holds now.
  function queue(form, submitter, sent) {
    var data = sent ? sent.data : new FormData(form, submitter);
    var fields = [];
    data.forEach(function (value, name) {
      if (name === "csrf_token") return;
      fields.push(value instanceof File ? [name, value, value.name] : [name, value]);
    });
    var idInput = form.querySelector("input[name=client_id]");
    var id = (sent && data.get("client_id")) || (idInput && idInput.value) || crypto.randomUUID();
    if (idInput && !sent) idInput.value = crypto.randomUUID();  // the form's next change is another write
    var match = form.action.match(/\/visits\/(\d+)\//);
    var item = {
      id: id, seq: FieldStore.nextSeq(), user: user, url: new URL(form.action).pathname,
      label: form.dataset.label || (submitter && submitter.textContent.trim()) || labelOf(form),
      part: form.dataset.part || null,
      visit: match ? Number(match[1]) : null, page: document.title,
      at: (sent && sent.at) || new Date().toISOString(),
      fields: fields, state: "waiting", attempts: 0
    };
    waiting += 1;
    markWaiting(item, form);
    writes = writes.then(function () { return FieldStore.all(); }).then(function (items) {
      // A field saved twice before it could be sent (typed, then "Save" tapped): one change,
      // in the first one's place in the order, with what was typed last. (It keeps its own
      // write id: should the first be on its way already, this one still follows it.)
      var earlier = form.classList.contains("capture") && items.filter(function (other) {
        return other.url === item.url && other.state === "waiting" && other.user === user;
      })[0];
      // A request that failed after a later save of the same field was queued: that later one
      // holds what the technician typed last, and this one is dropped.
      if (earlier && earlier.at > item.at) return false;
      if (earlier) item.seq = earlier.seq;
      return (earlier ? FieldStore.remove("outbox", earlier.id) : null);
    }).then(function (keep) {
      return keep === false ? null : FieldStore.put("outbox", item);
    }).then(function () {
      stored[item.id] = true;
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().then(function (granted) { FieldStore.put("meta", granted, "persisted"); });
      }
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync ? registration.sync.register("outbox") : null;
      }).catch(function () {});
      send();
      return refresh();
    }).catch(function () {});
  }
  function labelOf(form) {
    var legend = form.querySelector("legend, label, .field__label");
    return legend ? legend.textContent.trim() : gettext("Change");
  }
  function note(text) {
    var mark = document.createElement("span");
    mark.className = "waiting";
    mark.setAttribute("role", "status");
    mark.textContent = text;
    return mark;
  }

  // What the technician sees: each change kept on the phone where it was made, never "Saved";
  // at once when it is made, and again on a page opened later (a kept copy is older than it).
  function formFor(item) {
    return [].filter.call(document.querySelectorAll("form[method=post]"), function (form) {
      return new URL(form.action).pathname === item.url;
    })[0];
  }
  function markWaiting(item, form) {
    if (document.querySelector('[data-waiting="' + item.id + '"]')) return;
    form = form || formFor(item);
    if (form && form.classList.contains("capture")) {
      form.querySelectorAll(".saved, .capture__unsaved, .waiting").forEach(function (old) { old.remove(); });
      item.fields.forEach(function (field) {  // what was typed, over the older copy's values
        form.querySelectorAll('[name="' + field[0] + '"]').forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === field[1];
          else if (input.type !== "hidden" && input.type !== "submit") input.value = field[1];
        });
      });
      form.classList.remove("capture--saved");
      form.classList.add("capture--waiting");
      form.dataset.waiting = item.id;
      (form.querySelector(".capture__actions") || form).appendChild(note(gettext("Waiting to send")));
      return;
    }
    if (form && form.dataset.step) return stepTaken(form.dataset.step, item);
    var parts = document.getElementById("parts");
    if (/\/parts\/$/.test(item.url) && parts) {
      var row = document.createElement("article");
      row.className = "part-row part-row--waiting";
      row.dataset.waiting = item.id;
      row.textContent = "1 × " + (item.part || item.label) + " ";
      row.appendChild(note(gettext("Waiting to send")));
      parts.insertBefore(row, parts.querySelector(".part-search"));
      var empty = parts.querySelector(".empty");
      if (empty) empty.remove();
      return;
    }
    var file = item.fields.filter(function (field) { return field[1] instanceof Blob && field[1].size; })[0];
    var grid = document.querySelector("#photos .photo-grid");
    if (file && grid) {
      var li = document.createElement("li");
      li.className = "photo--waiting";
      li.dataset.waiting = item.id;
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file[1]);
      img.alt = gettext("Photo waiting to send");
      li.append(img, note(gettext("Waiting to send")));
      grid.appendChild(li);
      if (form) form.reset();
      return;
    }
    var thanks = document.querySelector("[data-offline-thanks]");
    if (form && form.classList.contains("rating-form") && thanks) {
      thanks.dataset.waiting = item.id;
      thanks.hidden = false;
      form.remove();
      return;
    }
    if (form) {
      form.dataset.waiting = item.id;
      form.appendChild(note(gettext("Waiting to send")));
    }
  }

  // A workflow step taken offline: its time on the list, the next steps open (_workflow.html, _finish.html).
  var REACHES = { start_travel: "travelling", arrive: "on_site", complete: "completed", not_complete: "not_completed" };
  function stepTaken(step, item) {
    var status = REACHES[step];
    document.querySelectorAll("[data-step-done]").forEach(function (li) {
      if (li.dataset.stepDone.split(" ").indexOf(step) < 0) return;
      li.classList.add("done");
      li.dataset.waiting = item.id;
      li.querySelector("span").textContent = clock(new Date(item.at));
      li.appendChild(note(" " + gettext("Waiting to send")));
    });
    document.querySelectorAll("[data-when]").forEach(function (element) {
      element.hidden = element.dataset.when.split(" ").indexOf(status) < 0;
    });
    // Under way (confirmed for another day if need be): the next steps ask nothing more.
    document.querySelectorAll("input[name=other_day]").forEach(function (box) { box.parentNode.remove(); });
  }

  // Sent: the marks go (what is on screen is now what the server has).
  function unmarkDelivered(items) {
    var left = {};
    items.forEach(function (item) { left[item.id] = item; stored[item.id] = true; });
    document.querySelectorAll("[data-waiting]").forEach(function (element) {
      var item = left[element.dataset.waiting];
      var mark = element.querySelector(".waiting");
      if (!item && stored[element.dataset.waiting]) {  // (not one still being stored)
        delete element.dataset.waiting;
        element.classList.remove("capture--waiting", "part-row--waiting", "photo--waiting");
        if (mark) mark.textContent = gettext("Sent");
      } else if (item && item.state !== "waiting" && mark) {
        mark.textContent = item.state === "conflict" ?
          gettext("Not sent: changed at the office. %(reason)s", { reason: item.reason }) :
          gettext("Not sent: %(reason)s", { reason: item.reason });
        mark.classList.add("field__error");
      }
    });
  }

  // Offline, or while older changes wait (their order matters): queue instead of sending.
  function mustQueue(form) {
    return queueable(form) && (!navigator.onLine || waiting > 0);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("part-search") && !navigator.onLine) {
      event.preventDefault();
      event.stopPropagation();
      return localPartSearch(form.querySelector("input[type=search]"));
    }
    if (!mustQueue(form)) return;
    event.preventDefault();
    event.stopPropagation();  // htmx never sees it
    queue(form, event.submitter);
  }, true);
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || !mustQueue(form) || !/\bchange\b/.test(form.getAttribute("hx-trigger") || "")) return;
    event.stopPropagation();
    queue(form, null);
  }, true);
  // Signal that looked present but was not: queue what htmx could not send. Its write id goes
  // with it, so if the request did arrive after all, the server applies it once.
  document.addEventListener("htmx:sendError", function (event) {
    var config = event.detail.requestConfig;
    var form = config && config.elt && (config.elt.form || config.elt.closest("form"));
    if (queueable(form) && config.verb === "post") {
      event.stopImmediatePropagation();
      queue(form, null, { data: config.formData, at: config.madeAt });
    }
  }, true);
  // Each request a form makes is its own write: the form takes a new write id as soon as the
  // request has taken its values, so a later save (sent or queued) is never mistaken by the
  // server for one it already applied.
  document.addEventListener("htmx:configRequest", function (event) {
    var config = event.detail;
    var form = config.elt && (config.elt.form || (config.elt.closest && config.elt.closest("form")));
    if (!queueable(form) || config.verb !== "post") return;
    config.madeAt = new Date().toISOString();
    var idInput = form.querySelector("input[name=client_id]");
    if (idInput && config.formData && config.formData.get("client_id") === idInput.value) {
      idInput.value = crypto.randomUUID();
    }
  });

  // ---- Adding a part without signal: the catalog kept on the phone ----
  var catalog = null;
  function localPartSearch(input) {
    if (!input) return;
    var results = document.getElementById("part-results");
    var query = input.value.trim().toLowerCase();
    (catalog || (catalog = fetch("/offline/parts.json").then(function (r) { return r.json(); })))
      .then(function (parts) {
        var found = query ? parts.filter(function (part) {
          return part.sku.toLowerCase().indexOf(query) === 0 || part.name.toLowerCase().indexOf(query) >= 0;
        }).slice(0, 20) : [];
        var version = document.querySelector("#visit input[name=schedule_version]");
        results.replaceChildren();
        found.forEach(function (part) {
          var form = document.createElement("form");
          form.className = "part-result";
          form.dataset.label = gettext("Add part: %(name)s", { name: part.name });
          form.dataset.part = part.name;
          form.method = "post";
          form.action = input.getAttribute("hx-get").replace(/\/search$/, "/");
          [["client_id", crypto.randomUUID()], ["schedule_version", version ? version.value : ""],
           ["part_id", part.id], ["quantity", "1"]].forEach(function (pair) {
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = pair[0];
            hidden.value = pair[1];
            form.appendChild(hidden);
          });
          var button = document.createElement("button");
          button.type = "submit";
          button.className = "button part-result__button";
          button.textContent = part.name + " · " + part.sku;
          form.appendChild(button);
          results.appendChild(form);
        });
        if (!found.length && query) {
          var empty = document.createElement("p");
          empty.className = "empty";
          empty.textContent = gettext("No part matches “%(query)s” in the catalog kept on this phone.",
                                      { query: input.value.trim() });
          results.appendChild(empty);
        }
      }).catch(function () {
        results.textContent =
          gettext("The parts catalog is not kept on this phone yet; add the part when you have signal.");
      });
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "part-search" && !navigator.onLine) {
      event.stopPropagation();
      localPartSearch(event.target);
    }
  }, true);

  // ---- The hand-over lock on the phone (the server keeps its own, web/auth.py) ----
  // "Hand over" keeps a lock in the phone's storage that the service worker obeys: while it is
  // there, only the visit's rating and unlock screens open, with signal or without. Taking the
  // phone back is static/unlock.js, on the unlock screen.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset.handover) return;
    var lock = { user: user, visit: Number(form.dataset.handover), server: navigator.onLine,
                 unlock: form.dataset.rating.replace(/\/$/, "") + "/unlock", failures: 0 };
    if (navigator.onLine) {  // the POST goes on; the lock is kept first, so nothing can slip past it
      if (!form.dataset.locked) {
        event.preventDefault();
        FieldStore.put("meta", lock, "handover").then(function () {
          form.dataset.locked = "1";
          form.requestSubmit();
        });
      }
      return;
    }
    event.preventDefault();
    FieldStore.put("meta", lock, "handover").then(function () { location.assign(form.dataset.rating); });
  }, true);

  // A page brought back by the Back button from the browser's page cache is not asked for again:
  // the server (or, without signal, the worker) decides what it shows now (a hand-over lock).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) location.reload();
  });

  // The unlock screen reached by a boosted link (the worker answers any page with it while the
  // phone is handed over): its script, which a swapped page does not run, is loaded here.
  document.addEventListener("htmx:afterSettle", function () {
    var form = document.querySelector("form[data-unlock]");
    if (!form || window.FieldUnlock) return;
    var script = document.createElement("script");
    script.src = form.dataset.unlock;
    document.head.appendChild(script);
  });

  // ---- Sign-out takes this user's pages and queue off the phone ----
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("signout") || form.dataset.cleared) return;
    event.preventDefault();
    event.stopPropagation();
    if (kept && !window.confirm(ngettext(
      "%(num)s change on this phone has not reached the office. Signing out deletes it. Sign out anyway?",
      "%(num)s changes on this phone have not reached the office. Signing out deletes them. Sign out anyway?",
      kept))) return;
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }).then(FieldStore.clear).then(function () {
      form.dataset.cleared = "1";
      form.requestSubmit();
    });
  }, true);

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "outbox") refresh();
  });
  window.addEventListener("online", function () { send(); refresh(); });
  // Boosted navigation swaps the page, not this script: mark the new page, and keep the days
  // again when Today is shown (it lists what the phone should have).
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.boosted && location.pathname === "/today" && navigator.onLine) worker({ type: "keep" });
    refresh();
  });
  window.addEventListener("offline", refresh);
  if (navigator.onLine) worker({ type: "keep" });
  refresh().then(send);
})();
