// Search as a reader uses it, from the keyboard: type a query on the search page, wait
// for results, move to a result with the arrow keys and press Enter. Prints one JSON
// line per query: the results shown and where the followed result landed.
// usage: node search.cjs SEARCH_PAGE_URL QUERY[:KIND] RESULT_URL_SUFFIX ... (an empty suffix follows nothing)
const { chromium } = require("playwright-core");
(async () => {
  const [url, ...pairs] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const [query, kind] = pairs[i].split(":");
    const wanted = pairs[i + 1];
    await page.goto(url);
    await page.waitForFunction(() => /Type to search/.test(document.getElementById("search-status").textContent));
    if (kind) await page.check(`#search-kinds input[value='${kind}']`);
    await page.focus("#search-input");
    await page.keyboard.type(query);
    await page.waitForFunction(() => /result|Nothing found/.test(document.getElementById("search-status").textContent));
    const results = await page.$$eval("#search-results li", (lis) =>
      lis.map((li) => ({
        title: li.querySelector("a").textContent,
        href: li.querySelector("a").href,
        kind: li.querySelector(".result-kind").textContent.trim(),
        marked: Array.from(li.querySelectorAll("mark")).map((m) => m.textContent),
      })),
    );
    const at = wanted ? results.findIndex((r) => r.href.endsWith(wanted)) : -1;
    let landed = null;
    let target = null;
    if (at >= 0) {
      await page.keyboard.press("ArrowDown");
      for (let k = 0; k < at; k++) await page.keyboard.press("ArrowDown");
      await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
      landed = page.url();
      // The element the fragment names, if any (an annotation's highlight).
      target = await page.evaluate(() => {
        const el = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
        return el ? { tag: el.tagName.toLowerCase(), className: el.className, inView: el.getBoundingClientRect().top < innerHeight } : null;
      });
    }
    console.log(JSON.stringify({ query, kind: kind || "", results, landed, target, errors }));
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
