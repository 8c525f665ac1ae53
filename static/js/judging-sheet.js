/* The judge's sheet shows what this tablet still holds: marks typed on the tablet page that have not
   reached the server (kept in localStorage by judging-tablet.js). Each such cell shows the held value,
   a banner says how many, and the sheet cannot be submitted until they are saved — so a correction made
   offline is never lost behind a submitted sheet. */
(function () {
  "use strict";
  var table = document.getElementById("sheet-table");
  if (!table) { return; }
  var queue = [];
  try { queue = JSON.parse(window.localStorage.getItem(table.getAttribute("data-storage-key"))) || []; }
  catch (e) { queue = []; }
  if (!queue.length) { return; }
  var label = table.getAttribute("data-held-label");
  var latest = {};
  queue.forEach(function (entry) { latest[entry.reg + ":" + entry.crit] = entry.value; });
  Object.keys(latest).forEach(function (key) {
    var td = table.querySelector('td[data-cell="' + key + '"]');
    if (!td) { return; }
    td.classList.add("held");
    var note = document.createElement("small");
    note.className = "held-value";
    note.textContent = label.replace("{v}", latest[key]);
    td.appendChild(document.createElement("br"));
    td.appendChild(note);
  });
  var banner = document.getElementById("tablet-held");
  if (banner) {
    banner.textContent = banner.textContent.replace("{n}", String(queue.length));
    banner.hidden = false;
  }
  var button = document.getElementById("submit-sheet");
  if (button) {
    button.disabled = true;
    button.form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  }
}());
