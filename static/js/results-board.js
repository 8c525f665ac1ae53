/* Venue board: shows one event (and one page of as many rows as the screen holds) at a time, cycles, and
   reloads itself after each full cycle so published corrections and final results appear without anyone
   touching it. No library: intranets at venues have no CDN. */
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-seconds"), 10) || 12;
  var perPage = parseInt(body.getAttribute("data-rows"), 10) || 10;
  var sections = Array.prototype.slice.call(document.querySelectorAll(".board-event"));
  var pageLabel = document.getElementById("board-page");

  /* As many rows as fit between the table's first row and the footer (at least data-rows' fallback on
     a screen too small to measure): a 1080p screen is filled, not half empty. */
  function rowsThatFit() {
    var section = document.querySelector(".board-event.active") || sections[0];
    var row = section && section.querySelector("tbody tr");
    if (!row) { return perPage; }
    var top = section.querySelector("tbody").getBoundingClientRect().top;
    var foot = document.querySelector(".board-foot");
    var height = row.getBoundingClientRect().height || 1;
    var room = window.innerHeight - top - (foot ? foot.offsetHeight : 0) - 8;
    return Math.max(3, Math.floor(room / height));
  }
  perPage = rowsThatFit();
  var slides = [];
  sections.forEach(function (section) {
    var rows = section.querySelectorAll("tbody tr").length;
    var pages = Math.max(1, Math.ceil(rows / perPage));
    for (var p = 0; p < pages; p++) { slides.push({ section: section, page: p, pages: pages }); }
  });

  function show(index) {
    var slide = slides[index];
    sections.forEach(function (s) { s.classList.toggle("active", s === slide.section); });
    var rows = slide.section.querySelectorAll("tbody tr");
    for (var i = 0; i < rows.length; i++) {
      rows[i].hidden = Math.floor(i / perPage) !== slide.page;
    }
    if (pageLabel) { pageLabel.textContent = (index + 1) + " / " + slides.length; }
  }

  var current = 0;
  if (slides.length) { show(0); }
  setInterval(function () {
    if (!slides.length || current + 1 >= slides.length) {
      window.location.reload();
      return;
    }
    current += 1;
    show(current);
  }, seconds * 1000);

  var button = document.getElementById("board-fullscreen");
  if (button) {
    button.addEventListener("click", function () {
      var el = document.documentElement;
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (el.requestFullscreen) { el.requestFullscreen(); }
    });
  }
}());
