// Edit-to-visible: from the write of a file until an open Chromium tab shows the new text.
// usage: node bench/serve-visible.cjs PAGE_URL FILE KIND RUNS SETTLE_MS
//   KIND: "paragraph" (a paragraph appended: an article) or "sentence" (a sentence appended).
// Opens PAGE_URL, waits for the page's live reload to connect, then RUNS times: waits
// SETTLE_MS, writes FILE with a new token, and polls the tab every 5 ms until its text holds
// the token (whatever the server does meanwhile: patch the page in place or reload it).
// Prints one JSON line: {"samples": [ms, ...], "reloads": n}. Restores FILE at the end.
const fs = require("fs");
const path = require("path");
const { chromium } = require(path.join(__dirname, "../tests/browser/node_modules/playwright-core"));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const [url, file, kind, runs, settle] = process.argv.slice(2);
  const original = fs.readFileSync(file, "utf8");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  let loads = 0;
  await page.goto(url);
  page.on("load", () => { loads += 1; });
  // dossier's live reload says when it is connected; Hugo's gets a moment to connect.
  await page.waitForFunction(() => !window.__dossierLive || window.__dossierLive.version !== null);
  await sleep(1000);
  const samples = [];
  try {
    for (let i = 0; i < Number(runs); i++) {
      await sleep(Number(settle));
      const token = `visible${Date.now()}x${i}`;
      const edited = kind === "paragraph"
        ? original.replace(/\n*$/, "") + `\n\nA new paragraph ${token}.\n`
        : original.replace(/\n*$/, "") + ` Edited ${token}.\n`;
      const started = process.hrtime.bigint();
      fs.writeFileSync(file, edited);
      for (;;) {
        // A reloading tab has no document for a moment: keep polling.
        const shown = await page.evaluate((t) => document.body && document.body.textContent.includes(t), token).catch(() => false);
        if (shown) break;
        if (process.hrtime.bigint() - started > 30_000_000_000n) throw new Error(`not shown after 30 s: ${token}`);
        await sleep(5);
      }
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    fs.writeFileSync(file, original);
  }
  console.log(JSON.stringify({ samples, reloads: loads }));
  await sleep(Number(settle));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
