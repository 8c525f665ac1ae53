// The assessor's sheet for one unit (templates/labour/assess_unit.html): what is typed is also kept on this
// tablet (localStorage, per assessor, period and unit) until the server has it, so a dropped Wi-Fi connection
// while saving loses nothing. When the sheet is opened again, typed values the server does not hold yet are put
// back into the empty fields and a notice asks the assessor to check and save them. Values the server already
// holds are never overwritten on the page; the server refuses a second entry anyway.
(function () {
  "use strict";

  var form = document.querySelector("form.assess-form[data-draft-key]");
  if (!form) {
    return;
  }
  var key = form.getAttribute("data-draft-key");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.big-input"));

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "{}");
    } catch (error) {
      return {};
    }
  }

  function write(values) {
    try {
      if (Object.keys(values).length) {
        window.localStorage.setItem(key, JSON.stringify(values));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (error) { /* storage full or disabled: the sheet still works, only without the safety copy */ }
  }

  var draft = read();
  var kept = {};
  var restored = 0;
  inputs.forEach(function (input) {
    var typed = draft[input.name];
    if (typed === undefined) {
      return;
    }
    if (input.defaultValue === typed) {
      return;                      // the server has it: nothing to keep
    }
    if (input.value === "" && !input.disabled) {
      input.value = typed;
      restored += 1;
    }
    kept[input.name] = typed;
  });
  write(kept);
  if (restored) {
    var notice = document.getElementById("draft-restored");
    if (notice) {
      notice.hidden = false;
    }
  }

  form.addEventListener("input", function (event) {
    if (!event.target.classList || !event.target.classList.contains("big-input")) {
      return;
    }
    var values = read();
    if (event.target.value === event.target.defaultValue) {
      delete values[event.target.name];
    } else {
      values[event.target.name] = event.target.value;
    }
    write(values);
  });
}());
