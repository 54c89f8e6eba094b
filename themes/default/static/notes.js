// Places each annotation's note and each footnote's sidenote in one column on
// wide screens, each level with its highlight or reference, pushed down only
// as far as the notes above it require (no overlaps, whatever their kind). A
// note is shown in full where there is room before the next one; only where
// it would push the next note away from its highlight is it cut to one line
// (hover, focus or a click opens it). Highlight and note are linked both ways
// on hover and focus. On narrow screens,
// ✎ opens its note under the highlight's line. Without this script the notes
// are a list after the article, and ✎ links to them. `dossier serve` patches an
// edited page in place and says so with `dossier:morphed`: everything is set up
// again (the listeners of the last set-up are dropped through their signal).
(function () {
  "use strict";
  var setUp = null;
  function setup() {
    if (setUp) setUp.abort();
    setUp = new AbortController();
    var on = { signal: setUp.signal };
    var container = document.querySelector(".article-text");
    var aside = container && container.querySelector(".notes");
    if (!aside) return;
    var body = container.querySelector(".article-body");
    var notes = Array.prototype.slice.call(aside.querySelectorAll("li[data-annotation]"));
    var GAP = 6;
    function marksOf(note) {
      return body.querySelectorAll('mark[data-annotation="' + CSS.escape(note.getAttribute("data-annotation")) + '"]');
    }
    function wide() {
      // Room beside the text for the notes column (see notes.css).
      var page = container.closest(".page") || document.body;
      var rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
      return window.matchMedia("(min-width: 62rem)").matches &&
        page.clientWidth >= body.getBoundingClientRect().width + 14 * rem;
    }
    // Footnotes written as sidenotes: placed in the same column (notes.css).
    var sidenotes = Array.prototype.slice.call(body.querySelectorAll(".sidenote"));
    function anchorOf(item) {
      if (item.note) {
        var mark = marksOf(item.note)[0];
        return mark ? mark.getBoundingClientRect().top : null;
      }
      var label = body.querySelector('label[for="' + CSS.escape(item.side.id.replace(/^fn-/, "sn-")) + '"]');
      var r = label && label.getBoundingClientRect();
      return r && r.height ? r.top : null;
    }
    function layout() {
      container.classList.remove("notes-placed", "notes-popover");
      notes.forEach(function (n) { n.style.top = ""; n.classList.remove("note-full"); });
      sidenotes.forEach(function (n) { n.style.top = ""; n.style.left = ""; });
      if (!wide()) { container.classList.add("notes-popover"); return; }
      container.classList.add("notes-placed");
      var box = container.getBoundingClientRect();
      var column = aside.getBoundingClientRect().left - box.left;
      // Everything is measured first, then placed: one layout, not one per note (a placed
      // note's height does not depend on its top). A note's full height is measured
      // with `note-full` on every note at once, its one-line height without.
      var items = notes.map(function (note) { return { note: note }; })
        .concat(sidenotes.map(function (side) { return { side: side }; }));
      items.forEach(function (it) {
        var a = anchorOf(it);
        it.top = a === null ? null : a - box.top;
        if (it.side) {
          var parent = (it.side.offsetParent || container).getBoundingClientRect();
          it.origin = { top: parent.top - box.top, left: parent.left - box.left };
        }
      });
      notes.forEach(function (n) { n.classList.add("note-full"); });
      items.forEach(function (it) { it.full = (it.note || it.side).offsetHeight; });
      notes.forEach(function (n) { n.classList.remove("note-full"); });
      items.forEach(function (it) { it.line = it.note ? it.note.offsetHeight : it.full; });
      var placed = items.filter(function (it) { return it.top !== null; });
      placed.sort(function (a, b) { return a.top - b.top; });
      var next = 0;
      placed.forEach(function (it, i) {
        var top = Math.max(it.top, next);
        var after = placed[i + 1];
        // In full if that leaves the next note level with its own anchor.
        var full = !it.note || !after || top + it.full + GAP <= after.top;
        if (it.note) {
          it.note.classList.toggle("note-full", full);
          it.note.style.top = top + "px";
        } else {
          it.side.style.top = top - it.origin.top + "px";
          it.side.style.left = column - it.origin.left + "px";
        }
        next = top + (full ? it.full : it.line) + GAP;
      });
    }
    function light(note, on) {
      note.classList.toggle("active", on);
      Array.prototype.forEach.call(marksOf(note), function (m) { m.classList.toggle("active", on); });
    }
    function noteFor(id) { return document.getElementById("note-" + id); }
    function close(except) {
      notes.forEach(function (n) { if (n !== except) n.classList.remove("open"); });
    }
    notes.forEach(function (note) {
      note.addEventListener("mouseenter", function () { light(note, true); }, on);
      note.addEventListener("mouseleave", function () { light(note, false); }, on);
      note.addEventListener("focusin", function () { light(note, true); }, on);
      note.addEventListener("focusout", function () { light(note, false); }, on);
      note.addEventListener("click", function () { note.classList.add("open"); }, on);
      Array.prototype.forEach.call(marksOf(note), function (mark) {
        mark.addEventListener("mouseenter", function () { light(note, true); }, on);
        mark.addEventListener("mouseleave", function () { light(note, false); }, on);
      });
    });
    // ✎, or the highlight itself (a bigger target on a phone), opens the note.
    body.addEventListener("click", function (e) {
      if (!e.target.closest) return;
      var ref = e.target.closest("a.note-ref");
      var mark = !ref && e.target.closest("mark[data-annotation]");
      if (mark && e.target.closest("a[href]")) return; // a link inside a highlight still works
      var id = ref ? ref.getAttribute("data-note") : mark && mark.getAttribute("data-annotation");
      var note = id && noteFor(id);
      if (!note) return;
      e.preventDefault();
      var opening = !note.classList.contains("open");
      close(note);
      note.classList.toggle("open", opening);
      if (opening && container.classList.contains("notes-popover")) {
        // Under the line that was tapped.
        var line = (ref || mark).getBoundingClientRect().bottom - container.getBoundingClientRect().top;
        note.style.top = line + 4 + "px";
      }
      if (opening) {
        note.focus({ preventScroll: true });
        if (container.classList.contains("notes-popover")) note.scrollIntoView({ block: "nearest" });
      }
      body.querySelectorAll('a.note-ref[data-note="' + CSS.escape(id) + '"]').forEach(function (r) {
        r.setAttribute("aria-expanded", String(opening));
      });
    }, on);
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var open = notes.filter(function (n) { return n.classList.contains("open"); })[0];
      if (!open) return;
      open.classList.remove("open");
      var ref = body.querySelector('a.note-ref[data-note="' + CSS.escape(open.getAttribute("data-annotation")) + '"]');
      if (ref) { ref.setAttribute("aria-expanded", "false"); ref.focus(); }
    }, on);
    notes.forEach(function (note) {
      body.querySelectorAll('a.note-ref[data-note="' + CSS.escape(note.getAttribute("data-annotation")) + '"]')
        .forEach(function (ref) {
          ref.setAttribute("aria-controls", note.id);
          ref.setAttribute("aria-expanded", "false");
          ref.addEventListener("focus", function () { light(note, true); }, on);
          ref.addEventListener("blur", function () { light(note, false); }, on);
        });
    });
    // Printing: each note follows the paragraph (or heading, list item) that
    // holds its highlight, instead of the column or the list at the end.
    var printed = [];
    window.addEventListener("beforeprint", function () {
      var last = new Map();
      notes.forEach(function (note) {
        var id = note.getAttribute("data-annotation");
        var ref = body.querySelector('a.note-ref[data-note="' + CSS.escape(id) + '"]');
        if (!ref) return;
        var block = ref.closest("p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th, figure") || ref;
        var copy = document.createElement(block.matches("li, td, th") ? "span" : "div");
        copy.className = "print-note " + note.className;
        copy.innerHTML = note.innerHTML;
        var after = last.get(block);
        if (after) after.after(copy);
        else if (block.matches("li, td, th")) block.appendChild(copy);
        else block.after(copy);
        last.set(block, copy);
        printed.push(copy);
      });
      container.classList.add("notes-printing");
    }, on);
    window.addEventListener("afterprint", function () {
      printed.forEach(function (copy) { copy.remove(); });
      printed = [];
      container.classList.remove("notes-printing");
    }, on);
    var pending = 0;
    function relayout() { cancelAnimationFrame(pending); pending = requestAnimationFrame(layout); }
    window.addEventListener("resize", relayout, on);
    window.addEventListener("load", relayout, on);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(relayout);
    layout();
  }
  setup();
  document.addEventListener("dossier:morphed", setup);
})();
