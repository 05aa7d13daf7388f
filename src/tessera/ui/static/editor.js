// The schema editor of /assets/{id}/check: a table of columns and a JSON view (CodeMirror 5) kept in sync.
// Table edits rewrite the JSON; valid JSON edits redraw the table. After each change the page asks the
// server for the verdict (htmx listens for "draft-changed" on <body>). No inline script is allowed (CSP).
(function () {
  "use strict";

  var host = document.getElementById("schema-table");
  var textarea = document.getElementById("schema-json");
  if (!host || !textarea || typeof window.CodeMirror === "undefined") {
    return;
  }
  var CodeMirror = window.CodeMirror;
  var TYPES = host.dataset.types.split(",");
  var DATE_FORMATS = { date: true, "date-time": true, time: true };
  var NUMERIC = { integer: true, number: true };
  var status = document.getElementById("json-status");

  var model = null; // {schema, columns: [{name, node, required}], extraRequired, hadRequired}
  var jsonValid = true;
  var writing = false; // true while the table rewrites the JSON (its change event is ours)
  var serverProblem = null; // {line, pointer, message, text}: the server's refusal of this exact text
  var timers = {};

  var cm = CodeMirror.fromTextArea(textarea, {
    mode: { name: "javascript", json: true },
    lineNumbers: true,
    tabSize: 2,
    indentUnit: 2,
    screenReaderLabel: "JSON Schema of the draft",
    gutters: ["CodeMirror-lint-markers"],
    lint: { getAnnotations: annotations, delay: 200 },
    // Tab leaves the editor, so keyboard users are not trapped in it.
    extraKeys: { Tab: false, "Shift-Tab": false },
  });

  function later(name, ms, fn) {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(fn, ms);
  }

  function draftChanged() {
    cm.save();
    document.body.dispatchEvent(new CustomEvent("draft-changed"));
  }

  // ---- JSON errors, at their line ---------------------------------------------------------------------
  function errorPosition(message, text) {
    var m = /line (\d+) column (\d+)/.exec(message);
    if (m) {
      return CodeMirror.Pos(Number(m[1]) - 1, Number(m[2]) - 1);
    }
    m = /position (\d+)/.exec(message);
    if (m) {
      return cm.posFromIndex(Number(m[1]));
    }
    return cm.posFromIndex(/end of (JSON|data)/i.test(message) ? text.length : 0);
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // The line a JSON pointer (/properties/id/type) names: each key is looked for after the previous one.
  function pointerLine(text, pointer) {
    var index = 0;
    pointer.split("/").slice(1).forEach(function (raw) {
      var key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (/^\d+$/.test(key)) {
        return; // an array index: the array's line is close enough
      }
      var re = new RegExp(escapeRegExp(JSON.stringify(key)) + "\\s*:", "g");
      re.lastIndex = index;
      var found = re.exec(text);
      if (found) {
        index = found.index;
      }
    });
    return cm.posFromIndex(index).line;
  }

  function parse(text) {
    try {
      return { value: JSON.parse(text) };
    } catch (e) {
      return { error: e.message, pos: errorPosition(e.message, text) };
    }
  }

  function annotations(text) {
    var parsed = parse(text);
    if (parsed.error) {
      return [{ from: parsed.pos, to: CodeMirror.Pos(parsed.pos.line, parsed.pos.ch + 1),
        message: parsed.error, severity: "error" }];
    }
    if (serverProblem && serverProblem.text === text) {
      var line = serverProblem.pointer !== null ? pointerLine(text, serverProblem.pointer)
        : Math.max(0, (serverProblem.line || 1) - 1);
      return [{ from: CodeMirror.Pos(line, 0), to: CodeMirror.Pos(line, cm.getLine(line).length),
        message: serverProblem.message, severity: "error" }];
    }
    return [];
  }

  function showStatus(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  // ---- schema <-> table model ----------------------------------------------------------------------------
  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function toModel(schema) {
    if (!isObject(schema)) {
      return null;
    }
    var props = schema.properties === undefined ? {} : schema.properties;
    if (!isObject(props)) {
      return null;
    }
    var required = Array.isArray(schema.required) ? schema.required : [];
    var names = Object.keys(props);
    return {
      schema: schema,
      columns: names.map(function (name) {
        return { name: name, node: props[name], required: required.indexOf(name) >= 0 };
      }),
      extraRequired: required.filter(function (name) { return names.indexOf(name) < 0; }),
      hadRequired: Array.isArray(schema.required),
    };
  }

  function toSchema() {
    var out = {};
    var props = {};
    model.columns.forEach(function (c) { props[c.name] = c.node; });
    var required = model.columns.filter(function (c) { return c.required; })
      .map(function (c) { return c.name; }).concat(model.extraRequired);
    if (!("type" in model.schema)) {
      out.type = "object";
    }
    Object.keys(model.schema).forEach(function (key) {
      if (key !== "required") {
        out[key] = key === "properties" ? props : model.schema[key];
      }
    });
    out.properties = props;
    if (required.length || model.hadRequired) {
      out.required = required;
    }
    return out;
  }

  // {type: "" (any) | one of TYPES | "custom", nullable}
  function typeOf(node) {
    if (!isObject(node)) {
      return { type: node === true ? "" : "custom", nullable: node === true };
    }
    if (node.anyOf || node.oneOf || node.allOf || node.$ref) {
      return { type: "custom", nullable: false };
    }
    var list = node.type === undefined ? [] : [].concat(node.type);
    var nullable = list.indexOf("null") >= 0 || node.nullable === true;
    var base = list.filter(function (t) { return t !== "null"; });
    if (base.length === 0) {
      return { type: node.type === undefined ? "" : "custom", nullable: nullable };
    }
    var type = base[0];
    if (base.length > 1 || TYPES.indexOf(type) < 0) {
      return { type: "custom", nullable: nullable };
    }
    if (type === "string" && DATE_FORMATS[node.format]) {
      type = node.format;
    }
    return { type: type, nullable: nullable };
  }

  function setType(node, type, nullable) {
    var base = DATE_FORMATS[type] ? "string" : type;
    if (DATE_FORMATS[type]) {
      node.format = type;
    } else if (DATE_FORMATS[node.format]) {
      delete node.format;
    }
    if (base === "") {
      delete node.type;
    } else if ("nullable" in node) {
      node.type = base; // OpenAPI style: keep it
      node.nullable = nullable;
    } else {
      node.type = nullable ? [base, "null"] : base;
    }
    if (Array.isArray(node.enum)) {
      var values = node.enum.filter(function (v) { return v !== null; });
      node.enum = nullable ? values.concat([null]) : values;
    }
  }

  function enumText(node) {
    if (!isObject(node) || !Array.isArray(node.enum)) {
      return "";
    }
    return node.enum.filter(function (v) { return v !== null; }).map(String).join(", ");
  }

  function enumValues(text, type, nullable) {
    var values = text.split(",").map(function (v) { return v.trim(); }).filter(Boolean).map(function (v) {
      if (NUMERIC[type] && v !== "" && !isNaN(Number(v))) {
        return Number(v);
      }
      if (type === "boolean" && (v === "true" || v === "false")) {
        return v === "true";
      }
      return v;
    });
    return values.length && nullable ? values.concat([null]) : values;
  }

  // ---- drawing the table -----------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else if (attrs[key] === true) {
        node.setAttribute(key, "");
      } else if (attrs[key] !== false && attrs[key] !== null && attrs[key] !== undefined) {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function typeSelect(column, kind, index) {
    var options = [el("option", { value: "", text: "(any type)" })];
    TYPES.forEach(function (t) { options.push(el("option", { value: t, text: t })); });
    if (kind.type === "custom") {
      options.push(el("option", { value: "custom", text: "custom (edit as JSON)" }));
    }
    var select = el("select", { "data-field": "type", id: "col-" + index + "-type",
      disabled: kind.type === "custom" }, options);
    select.value = kind.type;
    return select;
  }

  function constraintFields(column, kind, index) {
    var node = isObject(column.node) ? column.node : {};
    var fields = [["enum", "Allowed values (comma-separated)", enumText(node)]];
    if (kind.type === "string") {
      fields.push(["format", "Format", node.format || ""]);
    }
    if (kind.type === "string" || kind.type === "custom" || kind.type === "") {
      fields.push(["minLength", "Min length", node.minLength], ["maxLength", "Max length", node.maxLength],
        ["pattern", "Pattern (regex)", node.pattern || ""]);
    }
    if (NUMERIC[kind.type] || kind.type === "custom" || kind.type === "") {
      fields.push(["minimum", "Minimum", node.minimum], ["maximum", "Maximum", node.maximum]);
    }
    var parts = [];
    var set = [];
    fields.forEach(function (f) {
      var id = "col-" + index + "-" + f[0];
      var value = f[2] === undefined ? "" : String(f[2]);
      if (value !== "") {
        set.push(f[0]);
      }
      parts.push(el("label", { for: id, text: f[1] }));
      parts.push(el("input", { type: "text", id: id, "data-field": f[0], value: value,
        inputmode: /^(min|max)/.test(f[0]) ? "decimal" : null, disabled: !isObject(column.node) }));
    });
    var summary = el("summary", { text: set.length ? set.join(", ") : "none" });
    return el("details", {}, [summary, el("div", { class: "constraints" }, parts)]);
  }

  function labelRow(row, column, index) {
    var name = column.name || "column " + (index + 1);
    var labels = {
      name: "Name of column " + (index + 1), type: "Type of " + name, nullable: name + " may be null",
      required: name + " is required", description: "Description of " + name,
    };
    Object.keys(labels).forEach(function (field) {
      var control = row.querySelector('[data-field="' + field + '"]');
      if (control) {
        control.setAttribute("aria-label", labels[field]);
      }
    });
    row.querySelector("summary").setAttribute("aria-label", "Constraints of " + name);
    row.querySelectorAll(".constraints input").forEach(function (input) {
      // The visible label plus the column, so each row's constraint fields have their own names.
      input.setAttribute("aria-label", input.previousElementSibling.textContent + " of " + name);
    });
    [["up", "Move " + name + " up"], ["down", "Move " + name + " down"], ["remove", "Remove " + name]]
      .forEach(function (pair) {
        var button = row.querySelector('[data-action="' + pair[0] + '"]');
        button.setAttribute("aria-label", pair[1]);
        button.setAttribute("title", pair[1]);
      });
  }

  function drawRow(column, index, count) {
    var kind = typeOf(column.node);
    var node = isObject(column.node) ? column.node : {};
    var row = el("tr", { "data-index": String(index) }, [
      el("th", { scope: "row" }, [el("input", { type: "text", "data-field": "name", value: column.name,
        autocomplete: "off", spellcheck: "false" })]),
      el("td", {}, [typeSelect(column, kind, index)]),
      el("td", { class: "flag" }, [el("input", { type: "checkbox", "data-field": "nullable",
        checked: kind.nullable, disabled: kind.type === "custom" || kind.type === "" })]),
      el("td", { class: "flag" }, [el("input", { type: "checkbox", "data-field": "required",
        checked: column.required })]),
      el("td", {}, [el("input", { type: "text", "data-field": "description", value: node.description || "",
        disabled: !isObject(column.node) })]),
      el("td", {}, [constraintFields(column, kind, index)]),
      el("td", { class: "actions" }, [
        el("button", { type: "button", class: "secondary", "data-action": "up", disabled: index === 0,
          text: "↑" }),
        el("button", { type: "button", class: "secondary", "data-action": "down",
          disabled: index === count - 1, text: "↓" }),
        el("button", { type: "button", class: "secondary", "data-action": "remove", text: "✕" }),
      ]),
    ]);
    labelRow(row, column, index);
    return row;
  }

  function draw() {
    var focus = focusedControl();
    host.textContent = "";
    if (model === null) {
      host.appendChild(el("p", { class: "columns-note", text: "This schema has no top-level columns " +
        "(a \"properties\" object): edit it in the JSON view." }));
      return;
    }
    var header = ["Name", "Type", "Nullable", "Required", "Description", "Constraints", "Move, remove"];
    var rows = model.columns.map(function (c, i) { return drawRow(c, i, model.columns.length); });
    var table = el("table", { class: "columns" }, [
      el("caption", { text: model.columns.length + " column" + (model.columns.length === 1 ? "" : "s") +
        " of the draft, in order" }),
      el("thead", {}, [el("tr", {}, header.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, rows),
    ]);
    var parts = [el("div", { class: "columns-scroll" }, [table])];
    if (!model.columns.length) {
      parts.push(el("p", { class: "columns-empty muted", text: "No columns yet." }));
    }
    parts.push(el("button", { type: "button", class: "add-column", "data-action": "add", text: "Add a column" }));
    if (!jsonValid) {
      parts.unshift(el("p", { class: "columns-note muted", text: "The JSON view has an error: fix it to edit " +
        "the columns again (the table shows the last valid JSON)." }));
    }
    host.appendChild(el("fieldset", { disabled: !jsonValid }, [el("legend", { class: "visually-hidden",
      text: "Columns" })].concat(parts)));
    restoreFocus(focus);
  }

  function focusedControl() {
    var active = document.activeElement;
    if (!active || !host.contains(active)) {
      return null;
    }
    var row = active.closest("tr[data-index]");
    return { index: row ? Number(row.dataset.index) : -1, field: active.dataset.field,
      action: active.dataset.action };
  }

  function restoreFocus(focus) {
    if (!focus) {
      return;
    }
    var row = host.querySelector('tr[data-index="' + focus.index + '"]') || host;
    var selector = focus.field ? '[data-field="' + focus.field + '"]' : '[data-action="' + focus.action + '"]';
    var target = row.querySelector(selector);
    if (target && target.disabled) {
      target = row.querySelector('[data-action="remove"]');
    }
    (target || host.querySelector('[data-action="add"]')).focus();
  }

  // ---- table edits -> JSON ---------------------------------------------------------------------------
  function problemOfNames() {
    var seen = {};
    for (var i = 0; i < model.columns.length; i += 1) {
      var name = model.columns[i].name;
      if (!name.trim()) {
        return "Column " + (i + 1) + " has no name.";
      }
      if (seen[name]) {
        return "Two columns are named \"" + name + "\".";
      }
      seen[name] = true;
    }
    return null;
  }

  function commit() {
    var problem = problemOfNames();
    host.querySelectorAll('[data-field="name"]').forEach(function (input, i) {
      var name = model.columns[i].name;
      var clash = !name.trim() || model.columns.some(function (c, j) { return j !== i && c.name === name; });
      input.setAttribute("aria-invalid", clash ? "true" : "false");
    });
    if (problem) {
      showStatus(problem + " The JSON view is updated when the names are fixed.", true);
      return;
    }
    showStatus("", false);
    later("write", 120, function () {
      writing = true;
      cm.setValue(JSON.stringify(toSchema(), null, 2));
      writing = false;
      serverProblem = null;
      draftChanged();
    });
  }

  function setNumber(node, key, text, input) {
    var value = text.trim();
    if (value === "") {
      delete node[key];
      input.setAttribute("aria-invalid", "false");
      return true;
    }
    var number = Number(value);
    var whole = key === "minLength" || key === "maxLength";
    var ok = !isNaN(number) && (!whole || (Number.isInteger(number) && number >= 0));
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (ok) {
      node[key] = number;
    }
    return ok;
  }

  function onInput(event) {
    var input = event.target;
    var row = input.closest("tr[data-index]");
    if (!row || !input.dataset.field) {
      return;
    }
    var index = Number(row.dataset.index);
    var column = model.columns[index];
    var node = column.node;
    var field = input.dataset.field;
    var kind = typeOf(node);
    if (field === "name") {
      column.name = input.value;
      labelRow(row, column, index);
    } else if (field === "type" || field === "nullable") {
      var type = field === "type" ? input.value : kind.type;
      var nullable = field === "nullable" ? input.checked : kind.nullable;
      setType(node, type, nullable);
      if (field === "type") {
        draw(); // the constraints that apply depend on the type
      }
    } else if (field === "required") {
      column.required = input.checked;
    } else if (field === "description" || field === "format" || field === "pattern") {
      if (input.value.trim()) {
        node[field] = input.value;
      } else {
        delete node[field];
      }
    } else if (field === "enum") {
      var values = enumValues(input.value, kind.type, kind.nullable);
      if (values.length) {
        node.enum = values;
      } else {
        delete node.enum;
      }
    } else if (!setNumber(node, field, input.value, input)) {
      showStatus("“" + input.value + "” is not a valid " + field + ".", true);
      return;
    }
    commit();
  }

  function move(index, by) {
    var to = index + by;
    if (to < 0 || to >= model.columns.length) {
      return;
    }
    var moved = model.columns.splice(index, 1)[0];
    model.columns.splice(to, 0, moved);
    var focus = focusedControl();
    draw();
    restoreFocus(focus ? { index: to, field: focus.field, action: focus.action } : null);
    showStatus(moved.name + " moved to position " + (to + 1) + ".", false);
    commit();
  }

  function onClick(event) {
    var button = event.target.closest("button[data-action]");
    if (!button || !host.contains(button)) {
      return;
    }
    var row = button.closest("tr[data-index]");
    var index = row ? Number(row.dataset.index) : -1;
    var action = button.dataset.action;
    if (action === "add") {
      var n = model.columns.length + 1;
      var names = model.columns.map(function (c) { return c.name; });
      while (names.indexOf("new_column_" + n) >= 0) {
        n += 1;
      }
      model.columns.push({ name: "new_column_" + n, node: { type: "string" }, required: false });
      draw();
      host.querySelector('tr[data-index="' + (model.columns.length - 1) + '"] [data-field="name"]').select();
      commit();
    } else if (action === "remove") {
      var removed = model.columns.splice(index, 1)[0];
      draw();
      var next = host.querySelector('tr[data-index="' + Math.min(index, model.columns.length - 1) +
        '"] [data-action="remove"]') || host.querySelector('[data-action="add"]');
      next.focus();
      showStatus(removed.name + " removed.", false);
      commit();
    } else {
      move(index, action === "up" ? -1 : 1);
    }
  }

  function onKeydown(event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) {
      return;
    }
    var row = event.target.closest("tr[data-index]");
    if (row) {
      event.preventDefault();
      move(Number(row.dataset.index), event.key === "ArrowUp" ? -1 : 1);
    }
  }

  // ---- JSON edits -> table ---------------------------------------------------------------------------
  function fromJson(text) {
    var parsed = parse(text);
    jsonValid = !parsed.error;
    if (parsed.error) {
      showStatus("JSON error on line " + (parsed.pos.line + 1) + ": " + parsed.error, true);
      draw();
      return false;
    }
    showStatus("", false);
    model = toModel(parsed.value);
    draw();
    return true;
  }

  cm.on("changes", function () {
    if (writing) {
      return;
    }
    cm.save();
    later("read", 250, function () {
      if (fromJson(cm.getValue())) {
        draftChanged();
      }
    });
  });

  // ---- answers from the server -------------------------------------------------------------------------
  function readProblem(region) {
    var found = region.querySelector("[data-problem]");
    serverProblem = found ? {
      line: Number(found.dataset.problemLine) || null,
      pointer: found.hasAttribute("data-problem-pointer") ? found.dataset.problemPointer : null,
      message: found.textContent.trim().replace(/\s+/g, " "),
      text: cm.getValue(),
    } : null;
    cm.performLint();
  }

  function readVerdict(region) {
    var summary = region.querySelector("[data-verdict]");
    var button = document.getElementById("publish-button");
    var version = document.getElementById("publish-version");
    if (summary && button) {
      var verdict = summary.dataset.verdict;
      button.textContent = verdict === "breaking" ? "Open the proposal" : "Publish";
      button.disabled = verdict === "unchanged";
      version.placeholder = verdict === "unchanged" ? "no change to publish" : summary.dataset.suggestedVersion;
    }
  }

  function loadDraft(region) {
    var found = region.querySelector("[data-draft-schema]");
    if (found) {
      cm.setValue(JSON.stringify(JSON.parse(found.dataset.draftSchema), null, 2));
    }
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) {
      return;
    }
    if (target.id === "verdict") {
      readProblem(target);
      readVerdict(target);
    } else if (target.id === "outcome") {
      readProblem(target);
    } else if (target.id === "dbt-result") {
      loadDraft(target);
    }
  });

  host.addEventListener("input", onInput);
  host.addEventListener("click", onClick);
  host.addEventListener("keydown", onKeydown);
  fromJson(cm.getValue());
  readProblem(document.getElementById("verdict"));
})();
