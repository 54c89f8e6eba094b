// A long result list, as a reader meets it: the query typed a key at a time, the first
// results, then more from the "More results" button, from scrolling down to it, and from
// ↓ past the last result. Prints one JSON line: after each step, the results shown and
// the result texts (Pagefind fragments) and index chunks fetched so far; then the order of
// the whole list against the order Pagefind's own library gives for the same query, and
// the queries the page ran while the reader typed.
// usage: node search-more.cjs SEARCH_PAGE_URL QUERY
const { chromium } = require("playwright-core");
(async () => {
  const [url, query] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  // The queries the page ran: each is written into the address (?q=) when it runs.
  await context.addInitScript(() => {
    window.__ran = [];
    const replace = history.replaceState.bind(history);
    history.replaceState = (state, title, url) => {
      window.__ran.push(new URL(url, location.href).searchParams.get("q"));
      return replace(state, title, url);
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const fetched = { fragments: 0, chunks: 0 };
  // Requests of the page and of Pagefind's worker.
  context.on("request", (r) => {
    if (r.url().endsWith(".pf_fragment")) fetched.fragments++;
    if (r.url().endsWith(".pf_index")) fetched.chunks++;
  });
  const shown = () => page.$$eval("#search-results li", (l) => l.length);
  const moreHidden = () => page.$eval("#search-more", (b) => b.hidden);
  const step = async (name) => ({ step: name, shown: await shown(), more_hidden: await moreHidden(), ...fetched });
  const grown = (n) => page.waitForFunction((n) => document.querySelectorAll("#search-results li").length > n, n);
  const steps = [];

  await page.goto(url);
  await page.waitForFunction(() => /Type to search/.test(document.getElementById("search-status").textContent));
  await page.focus("#search-input");
  await page.keyboard.type(query, { delay: 60 });
  await page.waitForFunction(() => /result|Nothing found/.test(document.getElementById("search-status").textContent));
  await page.waitForTimeout(300);
  const status = await page.textContent("#search-status");
  const ran = await page.evaluate(() => window.__ran);
  steps.push(await step("typed"));

  // Clicked where it is (under the first five, on screen): a scroll to it would ask too.
  let n = await shown();
  await page.$eval("#search-more", (b) => b.click());
  await grown(n);
  steps.push(await step("button"));

  n = await shown();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await grown(n);
  steps.push(await step("scrolled"));

  // ↓ from the box to the first result, then down to the last and one further.
  n = await shown();
  await page.focus("#search-input");
  for (let k = 0; k <= n; k++) await page.keyboard.press("ArrowDown");
  await grown(n);
  await page.waitForTimeout(200);
  const focused = await page.evaluate(() => {
    const all = Array.from(document.querySelectorAll("#search-results a"));
    return all.indexOf(document.activeElement);
  });
  steps.push({ ...(await step("arrow")), focused });

  // Everything, then the list's order against Pagefind's own for the same query.
  while (!(await moreHidden())) {
    n = await shown();
    await page.$eval("#search-more", (b) => b.click());
    await grown(n);
  }
  const list = await page.$$eval("#search-results li a", (as) => as.map((a) => a.href));
  const pagefind = await page.evaluate(async (query) => {
    const bundle = new URL(document.getElementById("search-input").getAttribute("data-pagefind"), location.href);
    const pf = await import(bundle.href + "pagefind.js");
    const search = await pf.search(query);
    const all = await Promise.all(search.results.map((r) => r.data()));
    return all.map((d) => new URL(d.raw_url || d.url, new URL("../", bundle)).href);
  }, query);
  console.log(JSON.stringify({ query, status, ran, steps, list, pagefind, errors }));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
