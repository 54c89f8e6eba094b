// Compares what two builds of a search index answer, in headless Chromium through
// Pagefind's own browser library (each site's pagefind/pagefind.js, with the options the
// theme's search.js sets): for each query, the result count, the order of the results
// (page ids), their scores, and for the first ten, whether the excerpt marks a word.
// It is how an index-side change (chunking, fragment layout, fewer locations) is checked
// against the pristine index on the same records: "same results" means the same pages in
// the same order with the same scores.
// usage: node bench/search-compare.cjs SITE_URL_A SITE_URL_B QUERY...
//        (SITE_URL: the site root, whose pagefind/ folder holds the index; exits 1 on a difference)
const path = require("path");
const { chromium } = require(path.join(__dirname, "../tests/browser/node_modules/playwright-core"));

async function answers(browser, site, queries) {
  const page = await browser.newPage();
  await page.goto(new URL("search/", site).href);
  const out = await page.evaluate(async ({ bundle, queries }) => {
    const pagefind = await import(bundle + "pagefind.js");
    await pagefind.options({ excerptLength: 24, ranking: { pageLength: 0.1, metaWeights: { title: 10, article: 0 } } });
    await pagefind.init();
    const all = [];
    for (const q of queries) {
      const [text, kind] = q.split(":");
      const search = await pagefind.search(text, kind ? { filters: { kind } } : {});
      const top = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      all.push({
        query: q,
        count: search.results.length,
        ids: search.results.map((r) => r.id),
        scores: search.results.map((r) => r.score),
        top: top.map((d) => ({ url: d.url, title: d.meta.title, marked: (d.excerpt.match(/<mark>/g) || []).length, excerpt: d.excerpt })),
      });
    }
    return all;
  }, { bundle: new URL("pagefind/", site).href, queries });
  await page.close();
  return out;
}

(async () => {
  const [a, b, ...queries] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const [left, right] = [await answers(browser, a, queries), await answers(browser, b, queries)];
  await browser.close();
  let differ = 0;
  for (let i = 0; i < queries.length; i++) {
    const l = left[i], r = right[i];
    const sameSet = l.ids.length === r.ids.length && [...l.ids].sort().join() === [...r.ids].sort().join();
    const sameOrder = l.ids.join() === r.ids.join();
    const sameScores = sameOrder && l.scores.every((s, k) => s === r.scores[k]);
    const unmarked = r.top.filter((t) => t.marked === 0).length;
    const ok = sameSet && sameOrder && sameScores && (unmarked === 0 || l.top.filter((t) => t.marked === 0).length >= unmarked);
    if (!ok) differ++;
    console.log(JSON.stringify({
      query: l.query, ok, count: [l.count, r.count], same_set: sameSet, same_order: sameOrder, same_scores: sameScores,
      unmarked_excerpts: [l.top.filter((t) => t.marked === 0).length, unmarked],
      first_excerpt: [l.top[0] && l.top[0].excerpt, r.top[0] && r.top[0].excerpt],
    }));
  }
  process.exit(differ ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
