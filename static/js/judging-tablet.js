/* Tablet mark entry that survives bad Wi-Fi.
   Every mark is put in a queue kept in localStorage (it outlives a reload or a flat battery) with a
   client-generated UUID, then sent one at a time to POST /api/v1/judging/marks with the version of the
   mark last seen. A failed send stays queued and is retried on the 'online' event and on a timer; the
   server recognises a retry by its UUID, so a mark is never stored twice, and refuses an edit based on
   an old version, so an older edit never silently overwrites a newer one. No library, no CDN. */
(function () {
  "use strict";
  var sheet = JSON.parse(document.getElementById("sheet-data").textContent);
  var cfg = JSON.parse(document.getElementById("tablet-config").textContent);
  var T = cfg.text;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var RETRY_MS = 4000;
  var server = {};      // "reg:crit" -> {value, version}: what the server last confirmed
  var errors = {};      // "reg:crit" -> message of a refused write
  var refused = {};     // "reg:crit" -> what the judge typed that was refused: stays in the box to be corrected
  var taken = {};       // "reg:crit" -> readings other judges recorded on a criterion measured once (judge: value)
  var late = {};        // "reg:crit" -> the latest late correction the server kept for the chief judge
  var excused = {};     // "reg:crit" -> true: the competitor was absent from this criterion's part (缺考)
  var queue = load();   // [{key, reg, crit, value, tried}] oldest first
  var current = null;   // selected registration id
  var draining = false;
  var blocked = "";     // why sending stopped (login expired), shown until the next success

  function cell(reg, crit) { return reg + ":" + crit; }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(cfg.storageKey)) || []; } catch (e) { return []; }
  }
  function save() {
    try { window.localStorage.setItem(cfg.storageKey, JSON.stringify(queue)); } catch (e) { /* full: keep in memory */ }
  }
  function uuid() {
    // crypto.randomUUID needs a secure context; a venue intranet is often plain http, getRandomValues is not.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function setServer(m) { server[cell(m.registration_id, m.criterion_id)] = {value: m.value, version: m.version}; }
  sheet.marks.forEach(setServer);
  function setTaken(list, away) {
    taken = {};
    excused = {};
    (list || []).forEach(function (t) { taken[cell(t.registration_id, t.criterion_id)] = t.readings; });
    (away || []).forEach(function (e) { excused[cell(e.registration_id, e.criterion_id)] = true; });
  }
  setTaken(sheet.taken, sheet.excused);
  /* A correction that arrived after the sheet was submitted is kept by the server as pending, for the chief
     judge: it stays in view (never "saved", never dropped) until the chief judge accepts or declines it. */
  function setLate(list) {
    late = {};
    (list || []).forEach(function (c) { if (c.status !== "accepted") { late[cell(c.registration_id, c.criterion_id)] = c; } });
  }
  setLate(sheet.corrections);
  function latePending(key) { var c = late[key]; return c && c.status === "pending" ? c : null; }
  function lateCount() { return Object.keys(late).filter(function (k) { return late[k].status === "pending"; }).length; }

  function pendingFor(key) {
    for (var i = queue.length - 1; i >= 0; i--) { if (cell(queue[i].reg, queue[i].crit) === key) { return queue[i]; } }
    return null;
  }
  function shown(reg, crit) {
    var p = pendingFor(cell(reg, crit));
    if (p) { return p.value; }
    if (refused[cell(reg, crit)] !== undefined) { return refused[cell(reg, crit)]; }
    var l = latePending(cell(reg, crit));
    if (l) { return l.value; }
    var s = server[cell(reg, crit)];
    return s ? s.value : "";
  }

  function enqueue(reg, crit, value) {
    var key = cell(reg, crit);
    delete errors[key];
    delete refused[key];
    var last = pendingFor(key);
    var typed = new Date().toISOString();  // the tablet's clock: shown with a correction that arrives late
    if (last && !last.tried) {
      last.value = value;            // never sent: its request id is unused, so it can carry the new value
      last.typed = typed;
    } else {
      var s = server[key];
      if (!last && s && s.value === value && !latePending(key)) { render(); return; }
      queue.push({key: uuid(), reg: reg, crit: crit, value: value, tried: false, typed: typed});
    }
    save();
    render();
    drain();
  }

  function dropCell(key) {
    queue = queue.filter(function (e) { return cell(e.reg, e.crit) !== key; });
  }

  function send(entry) {
    var base = server[cell(entry.reg, entry.crit)];
    entry.tried = true;
    save();
    return fetch(cfg.markUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({registration_id: entry.reg, criterion_id: entry.crit, value: entry.value,
                            version: base ? base.version : null, idempotency_key: entry.key,
                            typed_at: entry.typed || null})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {status: response.status, body: body};
      });
    });
  }

  function drain() {
    if (draining || !queue.length) { render(); return; }
    draining = true;
    var step = function () {
      if (!queue.length) { draining = false; render(); return; }
      var entry = queue[0];
      var key = cell(entry.reg, entry.crit);
      send(entry).then(function (res) {
        if (res.status === 200 || res.status === 201) {
          setServer(res.body.mark);
          delete late[key];
          queue.shift();
          blocked = "";
        } else if (res.status === 202 && res.body.correction) {
          // Too late to be the judge's own write: kept as a pending correction for the chief judge.
          if (res.body.mark && res.body.mark.version) { setServer(res.body.mark); }
          if (res.body.correction.status === "accepted") { delete late[key]; }
          else { late[key] = res.body.correction; }
          queue.shift();
          blocked = "";
        } else if (res.status === 409 && res.body.error === "conflict" && res.body.field !== "idempotency_key") {
          if (res.body.current) { setServer(res.body.current); }
          errors[key] = res.body.message;
          dropCell(key);               // every queued edit of this mark was based on the old version
        } else if (res.body.error === "reading_taken") {
          /* Another judge already holds this criterion's reading: final, never retried; the cell says so
             until the judge types a new value, and the badge counts it as refused, never as saved. */
          errors[key] = res.body.message;
          refused[key] = entry.value;
          dropCell(key);
        } else if (res.status === 401 || res.body.error === "csrf") {
          blocked = T.relogin;
          draining = false; save(); render(); return;
        } else if (res.status >= 500) {
          draining = false; save(); render(); return;   // try again later
        } else {
          errors[key] = res.body.message || (T.invalid + " (" + res.status + ")");
          refused[key] = entry.value;    // never empty the box: the judge corrects what they typed
          queue.shift();
        }
        save(); render(); step();
      }, function () {
        draining = false; save(); render();  // network down: the entry stays queued
      });
    };
    step();
  }

  // ---- page --------------------------------------------------------------------------------
  var stations = document.querySelectorAll(".station");
  var entry = document.getElementById("entry");
  var inputs = document.querySelectorAll(".mark-input");

  /* A refused write is never reported as saved: the badge names it until the judge enters the mark again. */
  function refusedCount() { return Object.keys(errors).length; }

  function render() {
    var state = document.getElementById("sync-state");
    var text = document.getElementById("sync-text");
    state.className = "sync";
    if (blocked) { state.classList.add("bad"); text.textContent = blocked; }
    else if (!navigator.onLine) { state.classList.add("offline"); text.textContent = T.offline + (queue.length ? " · " + T.pending.replace("{n}", queue.length) : ""); }
    else if (refusedCount()) { state.classList.add("bad"); text.textContent = T.refused.replace("{n}", refusedCount()); }
    else if (queue.length) { state.classList.add("waiting"); text.textContent = T.pending.replace("{n}", queue.length); }
    else if (lateCount()) { state.classList.add("waiting"); text.textContent = T.lateCount.replace("{n}", lateCount()); }
    else { state.classList.add("ok"); text.textContent = T.allSaved; }
    Array.prototype.forEach.call(stations, function (btn) {
      var reg = Number(btn.dataset.id), done = 0, waiting = false, bad = false;
      sheet.criteria.forEach(function (c) {
        var k = cell(reg, c.id);
        if ((shown(reg, c.id) !== "" && !errors[k]) || ((taken[k] || excused[k]) && !errors[k])) { done++; }
        if (pendingFor(k) || latePending(k)) { waiting = true; }
        if (errors[k]) { bad = true; }
      });
      btn.querySelector(".progress").textContent = done + "/" + sheet.criteria.length;
      btn.classList.toggle("complete", done === sheet.criteria.length);
      btn.classList.toggle("waiting", waiting);
      btn.classList.toggle("bad", bad);
      btn.classList.toggle("active", reg === current);
      btn.setAttribute("aria-pressed", reg === current ? "true" : "false");
    });
    if (current === null) { return; }
    Array.prototype.forEach.call(inputs, function (input) {
      var crit = Number(input.dataset.criterion), k = cell(current, crit);
      if (document.activeElement !== input) { input.value = shown(current, crit); }
      input.readOnly = Boolean(excused[k] && !server[k] && !pendingFor(k));  // absent from this part: nothing to type
      var label = document.querySelector('[data-state-for="' + crit + '"]');
      label.className = "mark-state";
      if (errors[k]) { label.classList.add("bad"); label.textContent = "✗ " + errors[k]; input.setAttribute("aria-invalid", "true"); }
      else if (excused[k] && !server[k] && !pendingFor(k)) { label.classList.add("taken"); label.textContent = "⊘ " + T.excused; input.removeAttribute("aria-invalid"); }
      else if (taken[k] && !server[k] && !pendingFor(k)) { label.classList.add("taken"); label.textContent = "⊘ " + T.taken.replace("{readings}", taken[k]); input.removeAttribute("aria-invalid"); }
      else if (pendingFor(k)) { label.classList.add("waiting"); label.textContent = "○ " + T.waiting; input.removeAttribute("aria-invalid"); }
      else if (latePending(k)) { label.classList.add("late"); label.textContent = "◐ " + T.late.replace("{v}", late[k].value); input.removeAttribute("aria-invalid"); }
      else if (late[k] && late[k].status === "declined") {
        label.classList.add("declined");
        label.textContent = "✗ " + T.declined.replace("{v}", late[k].value) + (late[k].decision_reason ? ": " + late[k].decision_reason : "");
        input.removeAttribute("aria-invalid");
      }
      else if (server[k]) { label.classList.add("saved"); label.textContent = "✓ " + T.saved; input.removeAttribute("aria-invalid"); }
      else { label.textContent = ""; input.removeAttribute("aria-invalid"); }
    });
  }

  function select(reg) {
    current = reg;
    var c = sheet.competitors.filter(function (x) { return x.id === reg; })[0];
    document.getElementById("pick-hint").hidden = true;
    entry.hidden = false;
    document.getElementById("entry-title").textContent = T.station.replace("{n}", c.station === null ? "—" : c.station) + " · " + c.code;
    document.getElementById("conflict-registration").value = reg;
    render();
  }

  function decimals(x) { var s = String(x); return s.indexOf(".") < 0 ? 0 : s.length - s.indexOf(".") - 1; }

  /* What a Chinese input method types in full-width mode, as the ASCII the judge means: ０-９, the
     full-width point ． and comma ，, the ideographic full stop 。, the full-width minus －, the ideographic
     space (the server folds the same: competitions/domain/inputs.fold_number_text). Nothing else is changed,
     so anything still wrong reaches the server and comes back with its message, the typed text kept. */
  function foldNumber(text) {
    return String(text).replace(/[\uff10-\uff19]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xfee0); })
      .replace(/[\uff0e\u3002]/g, ".").replace(/\uff0c/g, ",").replace(/\uff0d/g, "-").replace(/\u3000/g, " ")
      .trim().replace(",", ".");
  }

  function commit(input) {
    if (current === null || input.disabled) { return; }
    var raw = foldNumber(input.value);
    if (raw === shown(current, Number(input.dataset.criterion)) || raw === "") { return; }
    enqueue(current, Number(input.dataset.criterion), raw);
  }

  Array.prototype.forEach.call(stations, function (btn) {
    btn.addEventListener("click", function () { select(Number(btn.dataset.id)); });
  });
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () { commit(input); });
    input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); commit(input); input.blur(); } });
  });
  document.querySelectorAll(".stepper .step").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = btn.parentNode.querySelector(".mark-input");
      if (input.disabled || input.readOnly || current === null) { return; }
      var step = Number(input.dataset.step) || 1, max = Number(input.dataset.max);
      var now = Number(foldNumber(input.value || "0"));
      if (isNaN(now)) { now = 0; }
      var next = Math.min(max, Math.max(0, now + step * Number(btn.dataset.delta)));
      input.value = next.toFixed(Math.max(decimals(step), 0));
      commit(input);
    });
  });

  function refresh() {
    return fetch(cfg.sheetUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fresh) {
        if (fresh) { fresh.marks.forEach(setServer); setTaken(fresh.taken, fresh.excused); setLate(fresh.corrections); render(); }
      }, function () {});
  }
  // While a correction waits for the chief judge, look every half minute for the decision.
  var ticks = 0;
  window.addEventListener("online", drain);
  window.addEventListener("offline", render);
  window.setInterval(function () {
    drain();
    ticks += 1;
    if (lateCount() && navigator.onLine && ticks % 8 === 0) { refresh(); }
  }, RETRY_MS);
  if (navigator.onLine) { refresh(); }
  render();
  drain();
  // A reload without network shows this page from the service worker's copy (static/js/judging-sw.js).
  if (cfg.serviceWorker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.serviceWorker).catch(function () { /* no worker: online only */ });
  }
})();
