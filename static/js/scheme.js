// Marking-scheme editor: add and remove rows of the parts and criteria tables,
// keep the WTForms field names (parts-0-code ...) numbered, show the weight total.
(function () {
  "use strict";
  var form = document.getElementById("scheme-form");
  if (!form) { return; }

  function renumber(tbody, prefix) {
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.row"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll("input, select"), function (el) {
        ["name", "id"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-")); }
        });
      });
    });
  }

  function updateTotal() {
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll("#parts input.weight"), function (el) {
      var v = parseFloat((el.value || "0").replace(",", "."));
      if (!isNaN(v)) { total += v; }
    });
    var out = document.getElementById("weight-total");
    if (out) {
      out.textContent = Math.round(total * 100) / 100;
      out.className = Math.abs(total - 100) < 0.001 ? "ok" : "bad";
    }
  }

  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.classList.contains("add-row")) {
      var table = document.getElementById(target.getAttribute("data-table"));
      var tbody = table.querySelector("tbody");
      var rows = tbody.querySelectorAll("tr.row");
      var clone = rows[rows.length - 1].cloneNode(true);
      Array.prototype.forEach.call(clone.querySelectorAll("input"), function (el) {
        if (el.name && /-(code|name)$/.test(el.name) && !/part_code$/.test(el.name)) { el.value = ""; }
      });
      Array.prototype.forEach.call(clone.querySelectorAll(".error"), function (el) { el.remove(); });
      tbody.appendChild(clone);
      renumber(tbody, table.id);
      var first = clone.querySelector("input");
      if (first) { first.focus(); }
      updateTotal();
    } else if (target.classList.contains("remove-row")) {
      var row = target.closest("tr");
      var body = row.parentNode;
      if (body.querySelectorAll("tr.row").length > 1) {
        row.remove();
        renumber(body, body.parentNode.id);
        updateTotal();
      }
    }
  });
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("weight")) { updateTotal(); }
  });
})();
