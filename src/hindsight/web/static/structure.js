// The editor's form rows: typing in a header field or an action-item row rewrites the Markdown
// in the textarea (the server does the writing: web/structure.py), and editing the Markdown
// redraws the rows. The Markdown stays what is saved. Without this script the rows are still
// applied on save (a row that changed since the page was drawn is written in).
(function () {
  "use strict";
  var box = document.getElementById("structure");
  var area = document.getElementById("markdown");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!box || !area || area.readOnly) { return; }
  var url = box.getAttribute("data-structure");
  var body = box.querySelector("table.rows tbody");
  var addButton = document.getElementById("add-row");
  var origRows = box.querySelector('input[name="a_orig"]');
  var COLUMNS = ["owner", "action", "type", "due", "tracking"];
  var LABELS = { owner: "Owner", action: "Action", type: "Type", due: "Due", tracking: "Tracking" };
  var timer = null;
  var sent = 0;

  function post(payload) {
    var mine = ++sent;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : "" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) { return mine === sent ? data : null; });
  }

  function rows() {
    return Array.prototype.map.call(body.querySelectorAll("tr"), function (tr) {
      var row = {};
      COLUMNS.forEach(function (c) { row[c] = tr.querySelector('[name="a_' + c + '"]').value; });
      var index = tr.querySelector('[name="a_row"]').value;
      row.row = index === "" ? null : parseInt(index, 10);
      return row;
    });
  }

  function header() {
    var out = {};
    box.querySelectorAll('input[name="h_value"]').forEach(function (input) {
      if (!input.readOnly) { out[input.getAttribute("data-label")] = input.value; }
    });
    return out;
  }

  function rowElement(row, n) {
    var tr = document.createElement("tr");
    COLUMNS.forEach(function (c, i) {
      var td = document.createElement("td");
      var input = document.createElement("input");
      input.name = "a_" + c;
      input.value = row[c] || "";
      input.setAttribute("form", "save-form");
      input.setAttribute("aria-label", LABELS[c] + ", row " + n);
      if (c === "type") { input.setAttribute("list", "action-types"); }
      if (c === "due") { input.placeholder = "YYYY-MM-DD"; }
      td.appendChild(input);
      if (i === COLUMNS.length - 1) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "a_row";
        hidden.value = row.row === null || row.row === undefined ? "" : String(row.row);
        hidden.setAttribute("form", "save-form");
        td.appendChild(hidden);
      }
      tr.appendChild(td);
    });
    var cell = document.createElement("td");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small quiet remove-row";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", "Remove row " + n);
    cell.appendChild(remove);
    tr.appendChild(cell);
    return tr;
  }

  function drawRows(actions) {
    body.textContent = "";
    actions.forEach(function (row, i) { body.appendChild(rowElement(row, i + 1)); });
    if (!actions.length) { body.appendChild(rowElement({}, 1)); }
  }

  // What the page was drawn from is now what the Markdown says: nothing left to apply on save.
  function settle(data) {
    origRows.value = JSON.stringify(data.actions);
    var byLabel = {};
    data.header.forEach(function (f) { byLabel[f.label] = f; });
    box.querySelectorAll(".field-row").forEach(function (div) {
      var input = div.querySelector('input[name="h_value"]');
      var found = byLabel[input.getAttribute("data-label")];
      if (!found) { return; }
      div.querySelector('input[name="h_orig"]').value = found.value;
      if (document.activeElement !== input) { input.value = found.value; }
    });
  }

  function fromRows(withActions) {
    var payload = { markdown: area.value, header: header() };
    if (withActions) { payload.actions = rows(); }
    post(payload).then(function (data) {
      if (!data) { return; }
      if (data.markdown !== area.value) {
        area.value = data.markdown;
        area.dispatchEvent(new Event("input")); // the checks and the preview follow
      }
      settle(data);
      if (withActions) {
        box.setAttribute("data-rows-written", String(sent));
      }
    }).catch(function () { /* the rows still apply on save */ });
  }

  function fromMarkdown() {
    if (box.contains(document.activeElement)) { return; } // typing in a row: it leads
    post({ markdown: area.value }).then(function (data) {
      if (!data) { return; }
      drawRows(data.actions);
      settle(data);
    }).catch(function () {});
  }

  function later(fn) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(fn, 400);
  }

  box.addEventListener("input", function (event) {
    var name = event.target.name || "";
    later(function () { fromRows(name.indexOf("a_") === 0); });
  });
  area.addEventListener("input", function (event) {
    if (event.isTrusted) { later(fromMarkdown); }
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.remove-row") : null;
    if (!button) { return; }
    button.closest("tr").remove();
    fromRows(true);
  });
  if (addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var tr = rowElement({}, body.querySelectorAll("tr").length + 1);
      body.appendChild(tr);
      tr.querySelector("input").focus();
    });
  }
  // With the script, the page's spare blank row is just "Add a row".
  var drawn = rows();
  var last = body.querySelector("tr:last-child");
  if (drawn.length > 1 && last && COLUMNS.every(function (c) { return !drawn[drawn.length - 1][c]; })) {
    last.remove();
  }
  box.querySelectorAll("button.remove-row").forEach(function (b) { b.hidden = false; });
})();
