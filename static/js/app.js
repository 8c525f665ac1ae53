// Behaviour every page shares, kept out of the markup so the Content-Security-Policy can forbid inline
// scripts and handlers (script-src 'self'):
//   <form data-confirm="Question?">           asks before submitting; Cancel keeps the page as it was
//   <input type="checkbox" data-check-all="ids">  ticks or clears every checkbox named "ids"
//   <input type="file" data-max-bytes="5242880" data-too-large="...">  refuses a file above the upload limit
//                                              before it is sent (the server refuses it too, with the same words)
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (!name) {
      return;
    }
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    var limit = input.getAttribute && Number(input.getAttribute("data-max-bytes"));
    if (!limit || !input.files) {
      return;
    }
    var tooBig = Array.prototype.some.call(input.files, function (file) { return file.size > limit; });
    input.setCustomValidity(tooBig ? input.getAttribute("data-too-large") : "");
    if (tooBig) {
      input.reportValidity();
    }
  });
}());
