// Opens a served page in headless Chromium, prints "loaded", then waits for the page to
// reload by itself (live reload) and prints whether the edited text is shown.
const { chromium } = require("playwright-core");
(async () => {
  const url = process.argv[2];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => true);
  await page.evaluate(() => { window.__notReloaded = true; });
  await new Promise((r) => setTimeout(r, 300)); // let the event stream connect
  console.log("loaded");
  await page.waitForFunction(() => !window.__notReloaded && document.body.textContent.includes("reloaded"), null, { timeout: 15000 });
  console.log("reloaded: " + (await page.textContent("body")).includes("Another army reloaded."));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
