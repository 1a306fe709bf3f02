// The sync page (/sync): every change kept on this phone, what happened to it, and the choices
// when the office refused it or changed the visit meanwhile. Built from the phone's own
// storage (store.js), so it works without signal. Everything typed is shown as text.
(function () {
  "use strict";
  var list = document.getElementById("sync-list");
  if (!list || !window.FieldStore) return;
  var user = Number(document.body.dataset.offline);
  var HIDDEN = ["client_id", "schedule_version", "happened_at", "csrf_token"];
  var NAMES = { actions_taken: "Actions taken", preventative_advice: "Preventative advice", next_steps: "Next steps",
                outcome: "Outcome", service_type: "Service type", labour_minutes: "Labour minutes", quantity: "Quantity",
                unit_cost: "Unit cost", comments: "Comments", complaint: "Complaint", signer_name: "Name",
                signature: "Signature", note: "Note", reason: "Reason" };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function when(iso) {
    var date = new Date(iso);
    return date.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }) + " " +
      date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
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
      if (value instanceof Blob) dd.textContent = "Photo (" + Math.max(1, Math.round(value.size / 1024)) + " kB)";
      else if (field[0] === "signature") dd.textContent = value ? "Signed" : "Not signed";
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
      status.textContent = (items.length ? waiting.length + " waiting to send, " + (items.length - waiting.length) +
        " to check." : "Nothing waiting: everything made on this phone has reached the office.") +
        (found[2] ? " Last synced " + when(new Date(found[2]).toISOString()) + "." : " Not synced yet.") +
        (navigator.onLine ? "" : " This phone is offline.");
      document.getElementById("sync-signin").hidden = !(found[1] === "signin" && waiting.length);
      document.getElementById("storage-warning").hidden = !(items.length && found[3] === false);
      var plan = found[4];
      document.getElementById("sync-kept").textContent = plan && plan.user === user ?
        plan.visits + " visit(s) kept, refreshed " + when(new Date(plan.at).toISOString()) + "." : "Nothing kept yet.";
      list.replaceChildren.apply(list, items.map(renderItem));
    });
  }

  function renderItem(item) {
    var li = element("li", "sync-item sync-item--" + item.state);
    li.appendChild(element("h2", "", item.label));
    li.appendChild(element("p", "muted", (item.page || "") + " · made " + when(item.at) + " on this phone"));
    var actions = element("div", "sync-item__actions");
    var discard = button("Discard this change", "button--danger", function () {
      if (window.confirm("Discard “" + item.label + "”? It will never reach the office.")) {
        FieldStore.remove("outbox", item.id).then(render);
      }
    });
    if (item.state === "waiting") {
      li.appendChild(element("p", "waiting", item.attempts ? "Waiting to send: the server did not answer; trying again " +
        "at " + when(new Date(item.due).toISOString()) + "." : "Waiting to send."));
      li.appendChild(values(item, false));
    } else if (item.state === "conflict") {
      li.appendChild(element("p", "field__error", "Not sent: the office changed this visit while this phone was offline."));
      var versions = element("div", "versions");
      var mine = element("div");
      mine.append(element("h3", "", "Your change"), values(item, false));
      var theirs = element("div");
      theirs.append(element("h3", "", "At the office now"), element("p", "", item.reason));
      if (item.visit) {
        var open = element("a", "", "Open the visit as it is now");
        open.href = "/visits/" + item.visit;
        theirs.appendChild(open);
      }
      versions.append(mine, theirs);
      li.appendChild(versions);
      if (item.serverVersion) {
        actions.appendChild(button("Send mine on the new plan", "button--primary", function () {
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
      li.appendChild(element("p", "field__error", "Refused: " + item.reason));
      li.appendChild(values(item, true));
      actions.appendChild(button("Send again", "button--primary", function () {
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
