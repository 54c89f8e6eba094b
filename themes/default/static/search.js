// Client-side search with Pagefind's JS API: the index under pagefind/ is loaded in
// chunks as words are typed, so a query costs tens of KB whatever the dossier's size.
// Result addresses are relative to the site root, which is the pagefind/ folder's parent:
// the same build works at a domain root and under any sub-path.
// What a first search transfers is kept small: the index is loaded when the reader turns
// to the box, a query runs once typing pauses (not for every letter, each of which would
// fetch index chunks and result texts of its own), and each result costs its page's text
// (a long article's is tens of KB), so the first FIRST results are shown, and MORE more
// each time the reader asks (the button, scrolling to it, or ↓ past the last result).
// `dossier serve` patches an edited page in place and says so with `dossier:morphed`:
// everything is set up again (the listeners of the last set-up are dropped through
// their signal), and a query in the box is run again.
(function () {
  "use strict";
  var setUp = null;
  var loading = null;
  function setup() {
    if (setUp) setUp.abort();
    setUp = new AbortController();
    var on = { signal: setUp.signal };
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var more = document.getElementById("search-more");
    var kinds = document.getElementById("search-kinds");
    if (!input || !list || !status) return;
    var bundle = new URL(input.getAttribute("data-pagefind"), location.href);
    var root = new URL("../", bundle);
    var FIRST = 5; // results shown first
    var MORE = 10; // results added by "More results"
    var PAUSE = 300; // ms without a key before a typed query runs (as Pagefind's own UI)
    var LABELS = { article: "article", source: "source", figure: "figure", annotation: "annotation" };
    var pagefind = null;
    var current = null; // { results, shown, loading }
    var typing = null; // the timer of a typed query waiting for a pause
    var serial = 0;

    if (location.protocol === "file:") {
      // Browsers do not let a page opened from disk load the index.
      status.textContent = "Search needs the site to be served over the web (or by `dossier serve`); opened from disk, browse the sources, figures and annotations instead.";
      return;
    }

    function kind() {
      var checked = kinds && kinds.querySelector("input:checked");
      return checked && checked.value ? checked.value : "";
    }

    // Pagefind's excerpt marks hits with <mark>; keep those and take everything else as text.
    function excerptNode(html) {
      var p = document.createElement("p");
      var doc = new DOMParser().parseFromString(html, "text/html");
      doc.body.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          p.appendChild(mark);
        } else {
          p.appendChild(document.createTextNode(node.textContent));
        }
      });
      return p;
    }

    function render(data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL(data.raw_url || data.url, root).href;
      a.textContent = (data.meta && data.meta.title) || data.raw_url;
      var k = (data.filters && data.filters.kind && data.filters.kind[0]) || "";
      var tag = document.createElement("span");
      tag.className = "result-kind muted";
      tag.textContent = " " + (LABELS[k] || k) + (data.meta && data.meta.article ? " in " + data.meta.article : "");
      li.className = "result result-" + k;
      li.appendChild(a);
      li.appendChild(tag);
      li.appendChild(excerptNode(data.excerpt || ""));
      return li;
    }

    // Shows the next `count` results; their texts are fetched (one file each) only now.
    // Asked again while it loads, it waits for that load instead.
    function showMore(mine, count) {
      if (!current) return Promise.resolve();
      if (current.loading) return current.loading;
      var mineNow = current;
      var slice = current.results.slice(current.shown, current.shown + count);
      current.shown += slice.length;
      current.loading = Promise.all(slice.map(function (r) { return r.data(); })).then(function (all) {
        mineNow.loading = null;
        if (mine !== serial) return;
        all.forEach(function (d) { list.appendChild(render(d)); });
        if (more) more.hidden = current.shown >= current.results.length;
      });
      return current.loading;
    }

    function run() {
      var query = input.value.trim();
      var mine = ++serial;
      var params = new URLSearchParams();
      if (query) params.set("q", query);
      if (kind()) params.set("kind", kind());
      history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
      if (!pagefind) { if (query) { status.textContent = "Loading the search index…"; load(); } return; }
      if (!query) { list.textContent = ""; status.textContent = ""; if (more) more.hidden = true; return; }
      var options = kind() ? { filters: { kind: kind() } } : {};
      pagefind.search(query, options).then(function (search) {
        if (mine !== serial || !search) return;
        list.textContent = "";
        current = { results: search.results, shown: 0, loading: null };
        var n = search.results.length;
        // Said once the first results are on the page (tests wait for it).
        return showMore(mine, FIRST).then(function () {
          if (mine === serial) status.textContent = n === 0 ? "Nothing found" : n + (n === 1 ? " result" : " results");
        });
      });
    }

    var q = new URLSearchParams(location.search);
    if (q.get("q")) input.value = q.get("q");
    if (q.get("kind") && kinds) {
      var box = kinds.querySelector("input[value='" + q.get("kind").replace(/[^a-z]/g, "") + "']");
      if (box) box.checked = true;
    }
    // The index is loaded when the reader turns to the box (or arrives with a query), so a
    // visit that does not search costs nothing. It is loaded once, whatever the set-ups.
    var ready = null;
    function load() {
      if (ready) return ready;
      if (!loading) {
        loading = import(bundle.href + "pagefind.js").then(function (module) {
          var ranking = { pageLength: 0.1, metaWeights: { title: 10, article: 0 } };
          return module.options({ excerptLength: 24, ranking: ranking }).then(function () { return module.init(); }).then(function () {
            return module;
          });
        });
      }
      ready = loading
        .then(function (module) {
          if (on.signal.aborted) return;
          pagefind = module;
          // A query typed meanwhile runs at its pause, not now on its first letters.
          if (input.value.trim() && !typing) run();
        })
        .catch(function () { status.textContent = "The search index could not be loaded."; });
      return ready;
    }
    status.textContent = "Type to search every page and every annotation’s note.";
    if (input.value.trim()) load();
    input.addEventListener("focus", load, on);
    input.addEventListener("pointerdown", load, on);
    // A typed query runs once the keys pause; Enter, a kind, or a query in the address run now.
    function typed() {
      clearTimeout(typing);
      typing = setTimeout(function () { typing = null; run(); }, PAUSE);
    }
    on.signal.addEventListener("abort", function () { clearTimeout(typing); });
    input.addEventListener("input", typed, on);
    if (kinds) kinds.addEventListener("change", function () { clearTimeout(typing); typing = null; run(); }, on);
    if (more) more.addEventListener("click", function () { showMore(serial, MORE); }, on);
    // Scrolling down to the button asks for more too (not its being on screen by itself, as
    // it is under a few results: those are all a reader who does not scroll needs).
    if (more && "IntersectionObserver" in window) {
      var scrolled = false;
      window.addEventListener("scroll", function () { scrolled = true; }, { passive: true, signal: on.signal });
      var seen = new IntersectionObserver(function (entries) {
        if (scrolled && entries.some(function (e) { return e.isIntersecting; }) && !more.hidden) showMore(serial, MORE);
      }, { rootMargin: "0px 0px 200px 0px" });
      seen.observe(more);
      on.signal.addEventListener("abort", function () { seen.disconnect(); });
    }
    input.form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(typing); typing = null; run(); }, on);

    // Keyboard: ↓ from the box goes to the results, ↑/↓ move between them, Esc goes back.
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && links().length) { e.preventDefault(); links()[0].focus(); }
    }, on);
    list.addEventListener("keydown", function (e) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (at < 0) return;
      if (e.key === "ArrowDown" && at + 1 < all.length) { e.preventDefault(); all[at + 1].focus(); }
      else if (e.key === "ArrowDown" && more && !more.hidden) {
        // Past the last result shown: the next ones, and the first of them.
        e.preventDefault();
        showMore(serial, MORE).then(function () { var next = links()[at + 1]; if (next) next.focus(); });
      }
      else if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
      else if (e.key === "Escape") { e.preventDefault(); input.focus(); }
    }, on);
  }
  setup();
  document.addEventListener("dossier:morphed", setup);
})();
