// The sync page (/sync): every change kept on this phone, what happened to it, and the choices
// when the office refused it or changed the visit meanwhile. Built from the phone's own
// storage (store.js), so it works without signal. Everything typed is shown as text; every
// text of ours goes through gettext/ngettext (the page's language).
(function () {
  "use strict";
  var list = document.getElementById("sync-list");
  if (!list || !window.FieldStore) return;
  var user = Number(document.body.dataset.offline);
  var HIDDEN = ["client_id", "schedule_version", "happened_at", "csrf_token"];
  // The fields a queued change can carry (forms/visits.py, forms/ratings.py), as people read them.
  var NAMES = {
    actions_taken: gettext("Actions taken"), preventative_advice: gettext("Preventative advice"),
    next_steps: gettext("Next steps"), outcome: gettext("Outcome"), service_type: gettext("Service type"),
    labour_minutes: gettext("Labour minutes"), quantity: gettext("Quantity"), unit_cost: gettext("Unit cost"),
    comments: gettext("Comments"), complaint: gettext("Complaint"), signer_name: gettext("Name"),
    signature: gettext("Signature"), note: gettext("Note"), reason: gettext("Reason"),
    other_day: gettext("I am doing it today"), symptom_code_id: gettext("Symptom"), cause_code_id: gettext("Cause"),
    remedy_code_id: gettext("Remedy"), add_tip: gettext("Suggested advice"), follow_up: gettext("Follow-up"),
    days: gettext("In how many days"), amount: gettext("Transport cost"), other_amount: gettext("Other costs"),
    other_note: gettext("What for"), payment_status: gettext("Payment status"), part_id: gettext("Part"),
    faulty_serial: gettext("Faulty part serial"), replacement_serial: gettext("Replacement serial"),
    covered: gettext("Covered by warranty/contract"), photo: gettext("Photo"), overall: gettext("Overall"),
    timeliness: gettext("Timeliness"), professionalism: gettext("Professionalism"),
    quality: gettext("Quality of the work"), product_performance: gettext("Product performance")
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // The page's language for dates (English is written the European way, as on the server).
  var LOCALE = (document.documentElement.lang || "en") === "en" ? "en-GB" : document.documentElement.lang;
  function when(iso) {
    return new Date(iso).toLocaleString(LOCALE, { weekday: "short", day: "numeric", month: "short",
                                                  hour: "2-digit", minute: "2-digit" });
  }
  var worker = FieldStore.tellWorker;
  function save(item) {
    return FieldStore.put("outbox", item).then(function () { worker({ type: "send" }); render(); });
  }

  function values(item, editable) {
    var dl = element("dl", "sync-item__values");
    item.fields.forEach(function (field, index) {
      if (HIDDEN.indexOf(field[0]) >= 0) return;
      var name = NAMES[field[0]] || field[0].replace(/_/g, " ");
      var value = field[1];
      dl.appendChild(element("dt", "", name));
      var dd = element("dd");
      if (value instanceof Blob) {
        dd.textContent = gettext("Photo (%(size)s kB)", { size: Math.max(1, Math.round(value.size / 1024)) });
      } else if (field[0] === "signature") dd.textContent = value ? gettext("Signed") : gettext("Not signed");
      else if (editable) {
        var input = element(String(value).length > 40 || field[0].indexOf("_taken") > 0 ? "textarea" : "input", "field__input");
        input.value = value;
        input.setAttribute("aria-label", name);
        input.addEventListener("input", function () { item.fields[index][1] = input.value; });
        dd.appendChild(input);
      } else dd.textContent = value === "" ? "—" : value;
      dl.appendChild(dd);
    });
    return dl;
  }

  function button(text, className, action) {
    var node = element("button", "button " + (className || ""), text);
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }

  function render() {
    Promise.all([FieldStore.all(), FieldStore.get("meta", "paused"), FieldStore.get("meta", "lastSync"),
                 FieldStore.get("meta", "persisted"), FieldStore.get("meta", "plan")]).then(function (found) {
      var items = found[0].filter(function (item) { return item.user === user; });
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      var status = document.getElementById("sync-status");
      // Whole sentences, one after the other.
      var said = [items.length ?
        gettext("%(waiting)s waiting to send, %(check)s to check.",
                { waiting: waiting.length, check: items.length - waiting.length }) :
        gettext("Nothing waiting: everything made on this phone has reached the office.")];
      said.push(found[2] ? gettext("Last synced %(when)s.", { when: when(new Date(found[2]).toISOString()) }) :
        gettext("Not synced yet."));
      if (!navigator.onLine) said.push(gettext("This phone is offline."));
      status.textContent = said.join(" ");
      document.getElementById("sync-signin").hidden = !(found[1] === "signin" && waiting.length);
      document.getElementById("storage-warning").hidden = !(items.length && found[3] === false);
      var plan = found[4];
      document.getElementById("sync-kept").textContent = plan && plan.user === user ?
        ngettext("%(num)s visit kept, refreshed %(when)s.", "%(num)s visits kept, refreshed %(when)s.", plan.visits,
                 { when: when(new Date(plan.at).toISOString()) }) :
        gettext("Nothing kept yet.");
      list.replaceChildren.apply(list, items.map(renderItem));
    });
  }

  function renderItem(item) {
    var li = element("li", "sync-item sync-item--" + item.state);
    li.appendChild(element("h2", "", item.label));
    li.appendChild(element("p", "muted", gettext("%(page)s · made %(when)s on this phone",
                                                 { page: item.page || "", when: when(item.at) })));
    var actions = element("div", "sync-item__actions");
    var discard = button(gettext("Discard this change"), "button--danger", function () {
      if (window.confirm(gettext("Discard “%(label)s”? It will never reach the office.", { label: item.label }))) {
        FieldStore.remove("outbox", item.id).then(render);
      }
    });
    if (item.state === "waiting") {
      li.appendChild(element("p", "waiting", item.attempts ?
        gettext("Waiting to send: the server did not answer; trying again at %(when)s.",
                { when: when(new Date(item.due).toISOString()) }) :
        gettext("Waiting to send.")));
      li.appendChild(values(item, false));
    } else if (item.state === "conflict") {
      li.appendChild(element("p", "field__error",
                             gettext("Not sent: the office changed this visit while this phone was offline.")));
      var versions = element("div", "versions");
      var mine = element("div");
      mine.append(element("h3", "", gettext("Your change")), values(item, false));
      var theirs = element("div");
      theirs.append(element("h3", "", gettext("At the office now")), element("p", "", item.reason));
      if (item.visit) {
        var open = element("a", "", gettext("Open the visit as it is now"));
        open.href = "/visits/" + item.visit;
        theirs.appendChild(open);
      }
      versions.append(mine, theirs);
      li.appendChild(versions);
      if (item.serverVersion) {
        actions.appendChild(button(gettext("Send mine on the new plan"), "button--primary", function () {
          item.fields = item.fields.map(function (field) {
            return field[0] === "schedule_version" ? [field[0], item.serverVersion] : field;
          });
          item.state = "waiting";
          item.attempts = 0;
          item.due = 0;
          save(item);
        }));
      }
    } else {
      li.appendChild(element("p", "field__error", gettext("Refused: %(reason)s", { reason: item.reason })));
      li.appendChild(values(item, true));
      actions.appendChild(button(gettext("Send again"), "button--primary", function () {
        item.state = "waiting";
        item.attempts = 0;
        item.due = 0;
        save(item);
      }));
    }
    actions.appendChild(discard);
    li.appendChild(actions);
    return li;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sync-now]")) worker({ type: "send" });
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "outbox") render();
  });
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  render();
})();
