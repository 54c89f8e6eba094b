// Client-side search over search-index.json: every word typed must appear.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) return;
  var pages = null;
  // Page addresses in the index are relative to the index file itself.
  var indexUrl = new URL(input.getAttribute("data-index"), location.href);
  status.textContent = "Type to search titles and text of every page.";
  function excerpt(text, word) {
    var at = text.toLowerCase().indexOf(word);
    if (at < 0) return text.slice(0, 160);
    var start = Math.max(0, at - 70);
    return (start > 0 ? "…" : "") + text.slice(start, at + 110) + "…";
  }
  function run() {
    var query = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!query || !pages) { status.textContent = pages ? "" : "Loading…"; return; }
    var words = query.split(/\s+/);
    var hits = pages.filter(function (p) {
      var hay = (p.title + " " + p.text).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) {
      var at = a.title.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
      var bt = b.title.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
      return at - bt;
    });
    status.textContent = hits.length + (hits.length === 1 ? " page" : " pages") + " found";
    hits.slice(0, 50).forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL(p.url, indexUrl).href;
      a.textContent = p.title;
      var kind = document.createElement("span");
      kind.className = "muted";
      kind.textContent = " (" + p.kind + ")";
      var text = document.createElement("p");
      text.textContent = excerpt(p.text, words[0]);
      li.appendChild(a); li.appendChild(kind); li.appendChild(text);
      list.appendChild(li);
    });
  }
  if (location.protocol === "file:") {
    // Browsers do not let a page opened from disk fetch other files.
    status.textContent = "Search needs the site to be served over the web (or by `dossier serve`); opened from disk, browse the sources, figures and annotations instead.";
    return;
  }
  fetch(indexUrl.href)
    .then(function (r) { return r.json(); })
    .then(function (data) {
      pages = data;
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) input.value = q;
      run();
    })
    .catch(function () { status.textContent = "The search index could not be loaded."; });
  input.addEventListener("input", run);
  input.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
})();
