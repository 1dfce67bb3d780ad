// The postmortem editor: live checks and preview as you type (debounced), and jumping to the
// line of a finding. Without this script the page still works: save, then read the checks.
(function () {
  "use strict";
  var form = document.getElementById("save-form");
  var area = document.getElementById("markdown");
  var checks = document.getElementById("checks");
  var preview = document.getElementById("preview");
  var state = document.getElementById("check-state");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!form || !area || !checks) { return; }
  var url = form.getAttribute("data-check");
  var timer = null;
  var sent = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function draw(data) {
    var c = data.checks;
    checks.textContent = "";
    var line = c.total
      ? c.total + (c.total === 1 ? " finding: " : " findings: ") + c.counts.error + " error(s), " +
        c.counts.warning + " warning(s), " + c.counts.info + " info"
      : "No findings: the method is followed.";
    var summary = el("p", "summary-line", line);
    summary.id = "checks-summary";
    checks.appendChild(summary);
    c.groups.forEach(function (group) {
      checks.appendChild(el("h3", null, group.section));
      var list = el("ul", "findings");
      group.findings.forEach(function (f) {
        var item = el("li", "finding sev-" + f.severity);
        var button = el("button", "jump");
        button.type = "button";
        button.setAttribute("data-line", f.line);
        button.setAttribute("data-column", f.column);
        button.appendChild(el("span", "code", f.code));
        button.appendChild(document.createTextNode(" "));
        button.appendChild(el("span", "badge", f.severity));
        button.appendChild(document.createTextNode(" line " + f.line + ": " + f.message));
        item.appendChild(button);
        if (f.suggestion) {
          var rewrite = el("p", "rewrite", "Suggested rewrite: ");
          rewrite.appendChild(el("q", null, f.suggestion));
          item.appendChild(rewrite);
        }
        var details = el("details");
        details.appendChild(el("summary", null, "Why it matters (" + f.name + ")"));
        details.appendChild(el("p", null, f.why));
        if (f.instead) { details.appendChild(el("p", null, "Use instead: " + f.instead)); }
        item.appendChild(details);
        list.appendChild(item);
      });
      checks.appendChild(list);
    });
    // The server renders the preview with raw HTML disabled and unsafe links refused.
    if (preview) { preview.innerHTML = data.preview; }
  }

  function run() {
    var mine = ++sent;
    state.textContent = "Checking…";
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : "" },
      body: JSON.stringify({ markdown: area.value })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (mine !== sent) { return; } // a newer check is on its way
      draw(data);
      state.textContent = "Checked " + new Date().toLocaleTimeString();
      document.body.setAttribute("data-checked", String(mine));
    }).catch(function (error) {
      state.textContent = "Checks unavailable (" + error.message + ")";
    });
  }

  area.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(run, 350);
  });

  checks.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.jump") : null;
    if (!button) { return; }
    var line = parseInt(button.getAttribute("data-line"), 10) || 1;
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var height = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * height);
    area.setAttribute("data-jumped", String(line));
  });
})();
