// Measures, in headless Chromium with an empty cache, what a reader's first search costs:
// the bytes transferred until the first results show, by kind of file (the page, its CSS
// and JS, Pagefind's script, worker, wasm, metadata, index chunks and fragments), split
// into what the page loads before the first keystroke and what the query adds; and the
// time from the query to the first results.
// A request counts if it started before the first result was on the page (its body is
// counted whole, even when it arrives later); what starts after is reported on its own.
// Bytes are what came over the wire: body (compressed if the host compressed it) plus
// headers. Chromium reports no body size for a worker's own script, so for it (and for any
// response without one) the Content-Length header is taken instead.
// The query is pasted into the box (one input event) or, with --type MS, typed a key at a
// time, MS milliseconds apart, as a reader types (each key is an input event).
// usage: node bench/search-bytes.cjs [--type MS] SEARCH_PAGE_URL QUERY...   (prints one JSON line per query)
const path = require("path");
const { chromium } = require(path.join(__dirname, "../tests/browser/node_modules/playwright-core"));

// The kind of a file, from its address.
function kindOf(url) {
  const p = new URL(url).pathname;
  if (p.includes("/pagefind/")) {
    if (p.endsWith("/pagefind.js")) return "pagefind.js";
    if (p.endsWith("/pagefind-worker.js")) return "pagefind-worker.js";
    if (p.endsWith(".pagefind")) return "wasm";
    if (p.endsWith(".pf_meta")) return "pf_meta";
    if (p.endsWith(".pf_index")) return "index chunks";
    if (p.endsWith(".pf_fragment")) return "fragments";
    if (p.endsWith(".pf_filter")) return "filters";
    return "pagefind (other)";
  }
  if (p.endsWith("/") || p.endsWith(".html")) return "HTML";
  if (p.endsWith(".css")) return "CSS";
  if (p.endsWith(".js")) return "JS (theme)";
  return "other";
}

async function measure(browser, url, query, typeDelay) {
  const context = await browser.newContext(); // a fresh cache for each query
  // The moment the first results of the whole query are on the page, in the page's own
  // clock (epoch ms): the search page shows only the results of what the box holds, so
  // that is the first change of the list that leaves results in it once the box holds
  // the query (a reader typing sees results for the first letters before that).
  await context.addInitScript((query) => {
    document.addEventListener("input", () => { window.__lastKey = Date.now(); }, true);
    new MutationObserver((_, observer) => {
      const input = document.getElementById("search-input");
      if (input && input.value.trim() === query.trim() && document.querySelector("#search-results li a")) {
        window.__firstResults = Date.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, query);
  const page = await context.newPage();
  // Every request of the page and of its workers (Pagefind fetches the index from one).
  const pending = [];
  context.on("requestfinished", (request) => {
    pending.push((async () => {
      const sizes = await request.sizes().catch(() => null);
      if (!sizes) return null;
      let body = sizes.responseBodySize;
      if (!body) {
        const response = await request.response().catch(() => null);
        const length = response && (await response.allHeaders())["content-length"];
        body = Number(length) || 0;
      }
      return { url: request.url(), started: request.timing().startTime, bytes: body + sizes.responseHeadersSize };
    })());
  });
  const opened = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => /Type to search/.test(document.getElementById("search-status").textContent));
  const ready = Date.now();
  await page.waitForTimeout(300); // anything the page loads on its own, before the reader acts
  const keyed = Date.now(); // the first key (or the paste)
  if (typeDelay === null) {
    await page.fill("#search-input", query);
  } else {
    await page.focus("#search-input");
    await page.keyboard.type(query, { delay: typeDelay });
  }
  await page.waitForFunction(() => window.__firstResults);
  const [shownAt, typed] = await page.evaluate(() => [window.__firstResults, window.__lastKey]);
  await page.waitForTimeout(1000); // let responses still in flight be counted
  const files = (await Promise.all(pending)).filter(Boolean);
  const byKind = {};
  let total = 0, beforeTyping = 0, index = 0, after = 0;
  for (const f of files) {
    if (f.started > shownAt) { after += f.bytes; continue; }
    total += f.bytes;
    if (f.started < keyed) beforeTyping += f.bytes;
    if (f.url.includes("/pagefind/")) index += f.bytes;
    const k = kindOf(f.url);
    byKind[k] = byKind[k] || { files: 0, bytes: 0 };
    byKind[k].files += 1;
    byKind[k].bytes += f.bytes;
  }
  const counted = files.filter((f) => f.started <= shownAt);
  const largest = counted.map((f) => [f.url.replace(/^https?:\/\/[^/]+/, ""), f.bytes]).sort((a, b) => b[1] - a[1]).slice(0, 30);
  const results = await page.$$eval("#search-results li", (l) => l.length);
  const status = await page.textContent("#search-status");
  await context.close();
  return {
    query, typed: typeDelay === null ? "pasted" : `a key every ${typeDelay} ms`, results_shown: results, status,
    bytes_total: total, bytes_index: index, bytes_before_typing: beforeTyping, bytes_after_first_results: after,
    by_kind: byKind,
    ms_to_first_results: shownAt - typed, ms_page_ready: ready - opened, // from the last key's input event
    requests: counted.length, files: largest,
  };
}

(async () => {
  const args = process.argv.slice(2);
  let typeDelay = null;
  if (args[0] === "--type") {
    typeDelay = Number(args[1]);
    args.splice(0, 2);
  }
  const [url, ...queries] = args;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const query of queries) console.log(JSON.stringify(await measure(browser, url, query, typeDelay)));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
