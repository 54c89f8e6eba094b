// Opens a page and follows links by CSS selector, one after another, as a
// reader clicking through the site. Prints one JSON line per page reached:
// its address, its <h1>, and whether the theme's stylesheet applied.
// usage: node follow.cjs URL SELECTOR...
const { chromium } = require("playwright-core");
(async () => {
  const [url, ...selectors] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const report = async () => {
    const seen = await page.evaluate(() => ({
      url: location.href,
      h1: (document.querySelector("h1") || {}).textContent || null,
      styled: getComputedStyle(document.documentElement).getPropertyValue("--measure").trim() !== "",
      status: (document.getElementById("search-status") || {}).textContent || null,
    }));
    console.log(JSON.stringify(seen));
  };
  await page.goto(url);
  await report();
  for (const selector of selectors) {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
    await report();
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
