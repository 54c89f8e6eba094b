// The static server the site checker loads pages from: a built folder served on a loopback
// port under a base path (`/sub/` serves `DIR/x` at `/sub/x`), as a static host does it:
// `dir/` serves `dir/index.html`, `dir` redirects to `dir/`, anything else is a 404 with the
// site's own 404.html. Nothing outside the base path is served, so a link that only works
// at the root fails here.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".jsonld": "application/ld+json",
  ".xml": "application/xml", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
  ".woff": "font/woff", ".woff2": "font/woff2", ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8", ".webmanifest": "application/manifest+json",
};

function isFile(file) {
  return fs.existsSync(file) && fs.statSync(file).isFile();
}

/** What to answer for a URL path: a file to send, a redirect, or not found. */
function route(root, base, urlPath) {
  if (`${urlPath}/` === base) return { redirect: base };
  if (!urlPath.startsWith(base)) return {};
  let rel;
  try {
    rel = decodeURIComponent(urlPath.slice(base.length));
  } catch (e) {
    return {};
  }
  const full = path.join(root, ...rel.split("/").filter((p) => p && p !== "." && p !== ".."));
  if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
    if (!urlPath.endsWith("/")) return { redirect: `${urlPath}/` };
    return isFile(path.join(full, "index.html")) ? { file: path.join(full, "index.html") } : {};
  }
  return isFile(full) ? { file: full } : {};
}

/** Serves `root` under `base` on 127.0.0.1; resolves to { origin, close }. */
function serve(root, base) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const found = route(root, base, url.pathname);
    if (found.redirect) return res.writeHead(301, { location: found.redirect + url.search }).end();
    const notFound = path.join(root, "404.html");
    const file = found.file || (isFile(notFound) ? notFound : null);
    if (!file) return res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    res.writeHead(found.file ? 200 : 404, { "content-type": type, "content-length": fs.statSync(file).size });
    if (req.method === "HEAD") return res.end();
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      const close = () => new Promise((done) => server.close(done) && server.closeAllConnections());
      resolve({ origin, close });
    });
  });
}

module.exports = { serve };
