// Measures, in headless Chromium with an empty cache, what a reader's first search costs:
// bytes transferred until the first results show (everything since opening the search
// page, and the pagefind/ part of it), and the time from the query to the first results.
// usage: node bench/search-bytes.cjs SEARCH_PAGE_URL QUERY...   (prints one JSON line per query)
const path = require("path");
const { chromium } = require(path.join(__dirname, "../tests/browser/node_modules/playwright-core"));
(async () => {
  const [url, ...queries] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const query of queries) {
    const context = await browser.newContext(); // a fresh cache for each query
    const page = await context.newPage();
    // Every request of the page and of its workers (Pagefind fetches the index from one).
    const files = [];
    context.on("requestfinished", async (request) => {
      const sizes = await request.sizes().catch(() => null);
      if (sizes) files.push([request.url(), sizes.responseBodySize + sizes.responseHeadersSize]);
    });
    const opened = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => /Type to search/.test(document.getElementById("search-status").textContent));
    const ready = Date.now();
    await page.fill("#search-input", query);
    const typed = Date.now();
    await page.waitForSelector("#search-results li a");
    const shown = Date.now();
    await page.waitForTimeout(300); // let responses still in flight be counted
    let total = 0;
    let index = 0;
    for (const [u, n] of files) {
      total += n;
      if (u.includes("/pagefind/")) index += n;
    }
    const largest = files.map(([u, n]) => [u.replace(/^https?:\/\/[^/]+/, ""), n]).sort((a, b) => b[1] - a[1]).slice(0, 30);
    const results = await page.$$eval("#search-results li", (l) => l.length);
    const status = await page.textContent("#search-status");
    console.log(JSON.stringify({
      query, results_shown: results, status,
      bytes_total: total, bytes_index: index,
      ms_to_first_results: shown - typed, ms_page_ready: ready - opened,
      requests: files.length, files: largest,
    }));
    await context.close();
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
