/* b12kg pages: the search box (suggestions as you type) and the static site's search page.
   Works offline: the terms come from search-index.js (window.B12KG_TERMS). */
(function () {
  "use strict";
  var terms = window.B12KG_TERMS || [];
  var pattern = document.body.getAttribute("data-term-pattern") || "{}";

  function fold(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9:]+/g, " ").trim();
  }
  function urlOf(t) { return pattern.replace("{}", t.n.split("/").map(encodeURIComponent).join("/")); }

  /* every word of the text must start a word of the label, a synonym or the CURIE */
  function find(text, limit) {
    var words = fold(text).split(" ").filter(Boolean);
    if (!words.length) { return []; }
    var hits = [];
    terms.forEach(function (t) {
      var label = fold(t.l), syns = t.s.map(fold), curie = fold(t.c);
      var fields = [[label, 3], [curie, 2]].concat(syns.map(function (s) { return [s, 1.5]; }));
      var best = 0;
      fields.forEach(function (f) {
        var padded = " " + f[0];
        if (words.every(function (w) { return padded.indexOf(" " + w) >= 0 || f[0].indexOf(w) >= 0; })) {
          var score = f[1] + (f[0] === words.join(" ") ? 3 : 0) + (f[0].indexOf(words[0]) === 0 ? 1 : 0);
          best = Math.max(best, score);
        }
      });
      if (best > 0) { hits.push({ t: t, score: best }); }
    });
    hits.sort(function (a, b) { return b.score - a.score || a.t.l.length - b.t.l.length || (a.t.l < b.t.l ? -1 : 1); });
    return hits.slice(0, limit).map(function (h) { return h.t; });
  }

  function item(t) {
    var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
    a.href = urlOf(t);
    a.textContent = t.l + " ";
    small.textContent = t.c;
    a.appendChild(small);
    li.appendChild(a);
    return li;
  }

  document.querySelectorAll("form.search").forEach(function (form) {
    var input = form.querySelector("input[name=q]"), list = form.querySelector("ul.suggestions");
    if (!input || !list) { return; }
    input.addEventListener("input", function () {
      list.innerHTML = "";
      find(input.value, 8).forEach(function (t) { list.appendChild(item(t)); });
      list.hidden = !list.children.length;
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { list.hidden = true; }
      if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); var a = list.querySelector("a"); if (a) { a.focus(); } }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) { list.hidden = true; } });
  });

  /* the static site's search page: results for ?q= */
  var results = document.getElementById("search-results");
  if (results) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    var box = document.querySelector("form.search-page input[name=q]");
    if (box) { box.value = q; }
    var found = find(q, 50);
    found.forEach(function (t) { results.appendChild(item(t)); });
    var none = document.getElementById("search-none");
    if (none) { none.hidden = !q || found.length > 0; }
  }
  window.B12KG_FIND = find;
})();
