/* b12kg query page: the SPARQL editor (Yasqe, vendored), the named queries as examples, the results
   table with labels and links, downloads, and readable errors. Talks only to this server. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var pattern = document.body.getAttribute("data-term-pattern") || "/{}";
  var base = config.base;
  var textarea = document.getElementById("query-text");
  var resultsEl = document.getElementById("results");
  var errorEl = document.getElementById("error");
  var statusEl = document.getElementById("status");
  var editor = null;
  var marked = null;

  /* -- the editor ---------------------------------------------------------------------------- */
  if (window.Yasqe) {
    var Yasqe = window.Yasqe;
    var prefixes = Object.keys(config.prefixes).map(function (p) { return p + ": <" + config.prefixes[p] + ">"; });
    var curies = (window.B12KG_TERMS || []).map(function (t) { return t.c; });
    Yasqe.forkAutocompleter("prefixes", { name: "b12kgPrefixes", persistenceId: null,
      get: function () { return prefixes; } }, false);
    Yasqe.registerAutocompleter({
      name: "b12kgTerms", bulk: true, autoShow: true, persistenceId: null,
      isValidCompletionPosition: function (y) { return /^b12kg:/.test(y.getCompleteToken().string); },
      get: function () { return curies; }
    }, false);
    Yasqe.defaults.autocompleters = ["b12kgPrefixes", "b12kgTerms", "variables"];
    var holder = document.getElementById("editor");
    var initial = textarea.value;
    textarea.remove();
    editor = new Yasqe(holder, {
      value: initial, persistenceId: null, showQueryButton: false, resizeable: true, editorHeight: "280px",
      consumeShareLink: null, createShareableLink: null, prefixCcApi: null,
      extraKeys: { "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } }
    });
  } else {
    textarea.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
  }
  function getText() { return editor ? editor.getValue() : textarea.value; }
  function setText(text) { if (editor) { editor.setValue(text); } else { textarea.value = text; } }

  /* the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), ignoring comments, strings and IRIs */
  function queryForm(text) {
    var stripped = text.replace(/#[^\n]*/g, " ").replace(/<[^<>\s]*>/g, " ").replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ");
    var m = stripped.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD|WITH)\b/i);
    return m ? m[1].toUpperCase() : "SELECT";
  }
  function isGraph(text) { var f = queryForm(text); return f === "CONSTRUCT" || f === "DESCRIBE"; }

  /* -- talking to the endpoint ---------------------------------------------------------------- */
  function post(text, accept) {
    return fetch(config.sparql, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": accept },
      body: text
    });
  }

  function labelsOf(iris) {
    if (!iris.length) { return Promise.resolve({}); }
    var values = iris.map(function (i) { return "<" + i + ">"; }).join(" ");
    var q = "SELECT ?s ?l WHERE { VALUES ?s { " + values + " } ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l " +
      'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }';
    return post(q, "application/sparql-results+json").then(function (r) { return r.ok ? r.json() : { results: { bindings: [] } }; })
      .then(function (data) {
        var out = {};
        data.results.bindings.forEach(function (b) {
          var s = b.s.value, l = b.l.value;
          if (!(s in out) || l < out[s]) { out[s] = l; }
        });
        return out;
      }).catch(function () { return {}; });
  }

  function curie(iri) {
    var best = null;
    Object.keys(config.prefixes).forEach(function (p) {
      var ns = config.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > config.prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.slice(config.prefixes[best].length) : iri;
  }
  function hrefOf(iri) {
    if (iri.indexOf(base) === 0) {
      return pattern.replace("{}", iri.slice(base.length).split("/").map(encodeURIComponent).join("/"));
    }
    return iri;
  }

  /* -- showing results and errors -------------------------------------------------------------- */
  function clearError() {
    errorEl.hidden = true;
    errorEl.textContent = "";
    if (editor && marked !== null) { editor.removeLineClass(marked, "background", "error-line"); marked = null; }
  }
  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
    resultsEl.innerHTML = "";
    var m = /line (\d+), column (\d+)/.exec(message);
    if (m && editor) {
      marked = parseInt(m[1], 10) - 1;
      editor.addLineClass(marked, "background", "error-line");
      editor.getDoc().setCursor({ line: marked, ch: Math.max(parseInt(m[2], 10) - 1, 0) });
    }
  }

  function cell(term, labels) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = hrefOf(term.value);
      a.textContent = labels[term.value] || curie(term.value);
      a.title = term.value;
      if (term.value.indexOf(base) !== 0) { a.target = "_blank"; a.rel = "noopener"; }
      td.appendChild(a);
      if (labels[term.value]) {
        var c = document.createElement("span");
        c.className = "curie";
        c.textContent = curie(term.value);
        td.appendChild(c);
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        var lang = document.createElement("span");
        lang.className = "lang";
        lang.textContent = "@" + term["xml:lang"];
        td.appendChild(lang);
      }
    }
    return td;
  }

  function showTable(data) {
    resultsEl.innerHTML = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? "yes" : "no";
      resultsEl.appendChild(p);
      return Promise.resolve(0);
    }
    var vars = data.head.vars, rows = data.results.bindings, iris = {};
    rows.forEach(function (b) { vars.forEach(function (v) { if (b[v] && b[v].type === "uri") { iris[b[v].value] = 1; } }); });
    return labelsOf(Object.keys(iris).slice(0, 2000)).then(function (labels) {
      var table = document.createElement("table"), thead = document.createElement("thead"), tr = document.createElement("tr");
      table.className = "results";
      vars.forEach(function (v) { var th = document.createElement("th"); th.scope = "col"; th.textContent = v; tr.appendChild(th); });
      thead.appendChild(tr);
      table.appendChild(thead);
      var tbody = document.createElement("tbody");
      rows.forEach(function (b) {
        var row = document.createElement("tr");
        vars.forEach(function (v) { row.appendChild(cell(b[v], labels)); });
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      resultsEl.appendChild(table);
      var count = document.createElement("p");
      count.className = "count";
      count.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
      resultsEl.appendChild(count);
      return rows.length;
    });
  }

  function showGraph(text) {
    resultsEl.innerHTML = "";
    var pre = document.createElement("pre");
    pre.className = "graph";
    pre.textContent = text;
    resultsEl.appendChild(pre);
  }

  function updateDownloads(text) {
    var graph = isGraph(text);
    [["csv", !graph], ["json", !graph], ["turtle", graph]].forEach(function (d) {
      var a = document.getElementById("download-" + d[0]);
      if (d[1]) {
        a.href = config.sparql + "?query=" + encodeURIComponent(text) + "&format=" + d[0];
        a.removeAttribute("aria-disabled");
        a.title = "";
      } else {
        a.removeAttribute("href");
        a.setAttribute("aria-disabled", "true");
        a.title = graph ? "a CONSTRUCT or DESCRIBE answer is a graph: download Turtle" : "only CONSTRUCT and DESCRIBE answers are graphs";
      }
    });
  }

  function run() {
    var text = getText();
    clearError();
    updateDownloads(text);
    statusEl.textContent = "running…";
    var started = performance.now();
    var graph = isGraph(text);
    return post(text, graph ? "text/turtle" : "application/sparql-results+json").then(function (r) {
      if (!r.ok) {
        return r.text().then(function (t) { statusEl.textContent = "error " + r.status; showError(t); });
      }
      if (graph) {
        return r.text().then(function (t) { showGraph(t); statusEl.textContent = "done in " + Math.round(performance.now() - started) + " ms"; });
      }
      return r.json().then(showTable).then(function (n) {
        statusEl.textContent = n + (n === 1 ? " row" : " rows") + " in " + Math.round(performance.now() - started) + " ms";
      });
    }).catch(function (e) { statusEl.textContent = "failed"; showError("The server could not be reached: " + e); });
  }

  /* -- the named queries as examples ------------------------------------------------------------- */
  function loadExample(name) {
    var li = document.querySelector('li.example[data-name="' + name + '"]');
    var params = new URLSearchParams();
    if (li) {
      li.querySelectorAll("input.param").forEach(function (i) { params.set(i.getAttribute("data-param"), i.value); });
    }
    params.set("format", "sparql");
    clearError();
    return fetch(config.queries + "/" + encodeURIComponent(name) + "?" + params.toString()).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { showError(t); return; }
        setText(t);
        return run();
      });
    });
  }
  document.querySelectorAll("button.load-example").forEach(function (b) {
    b.addEventListener("click", function () { loadExample(b.getAttribute("data-name")); });
  });
  document.getElementById("run").addEventListener("click", function () { run(); });
  updateDownloads(getText());

  var wanted = new URLSearchParams(window.location.search).get("example");
  if (wanted) { loadExample(wanted); }
  window.B12KG_RUN = run;
})();
