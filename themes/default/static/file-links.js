// Opened from disk (file://), a link to a folder shows a file listing, not
// the page: point folder links at their index.html. On a web server this
// script does nothing, and pages work without it either way.
(function () {
  "use strict";
  if (location.protocol !== "file:") return;
  var links = document.querySelectorAll("a[href]");
  for (var i = 0; i < links.length; i++) {
    var url = new URL(links[i].getAttribute("href"), location.href);
    if (url.protocol === "file:" && url.pathname.slice(-1) === "/") {
      url.pathname += "index.html";
      links[i].href = url.href;
    }
  }
})();
