/* natoseoul quotation search. fold() is natoseoul._search.fold written again: case folded
   (toLowerCase, then the full folds of ß and final sigma), NFKD, combining marks dropped, NFC (which
   recomposes Hangul), every run of whitespace one space. tests/test_site_browser.py checks that both
   give the same strings. No network, no library. */
(function () {
  "use strict";
  var SPACES = new RegExp("[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+", "g");
  var MARKS = /\p{M}/gu;
  function fold(text) {
    var lower = String(text).toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3");
    return lower.normalize("NFKD").replace(MARKS, "").normalize("NFC").replace(SPACES, " ").trim();
  }
  window.natoseoulFold = fold;
  var form = document.getElementById("quote-search");
  if (!form) { return; }
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-quote]"));
  var folded = items.map(function (item) { return fold(item.querySelector(".quote-text").textContent); });
  function run() {
    var wanted = fold(input.value);
    var shown = 0;
    items.forEach(function (item, i) {
      var hit = folded[i].indexOf(wanted) !== -1;
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    status.textContent = wanted ? shown + " of " + items.length + " quotations match" : items.length + " quotations";
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", run);
  var given = new URLSearchParams(window.location.search).get("q");
  if (given) { input.value = given; }
  run();
})();
