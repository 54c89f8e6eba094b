// Two tabs on a served site: the page an edit changes (argv[2]) and another page (argv[3]).
// Marks both windows, scrolls the first and focuses a link in it, prints "ready", then
// waits for the first tab to show `argv[4]` and prints one JSON line saying whether each
// tab kept its window (patched in place, not reloaded), its scroll position and focus,
// whether the notes were laid out again, and whether the other tab handled the update.
const { chromium } = require("playwright-core");
(async () => {
  const [edited, other, expected] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // Wide enough for the notes column, short enough to scroll.
  const context = await browser.newContext({ viewport: { width: 1366, height: 400 } });
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto(edited);
  await b.goto(other);
  let loadsB = 0;
  b.on("load", () => { loadsB += 1; });
  for (const page of [a, b]) {
    await page.waitForFunction(() => window.__dossierLive && window.__dossierLive.version !== null);
    await page.evaluate(() => { window.__marker = "still here"; });
  }
  const before = await a.evaluate(() => {
    const link = document.querySelector(".site-header nav a");
    link.focus();
    window.scrollTo(0, Math.floor((document.documentElement.scrollHeight - innerHeight) / 2));
    window.__focused = link;
    // notes.js sets the notes up again after a patch: undo a part of its work to see it redone.
    const refs = document.querySelectorAll("a.note-ref[aria-controls]");
    refs.forEach((r) => r.removeAttribute("aria-controls"));
    return { scrollY: window.scrollY, refs: refs.length };
  });
  console.log("ready");
  await a.waitForFunction((text) => document.body.textContent.includes(text), expected, { timeout: 15000 });
  const seenA = await a.evaluate(() => ({
    kept: window.__marker === "still here",
    scrollY: window.scrollY,
    focused: document.activeElement === window.__focused,
    patches: window.__dossierLive.patches,
    version: window.__dossierLive.version,
    notesSetUp: document.querySelectorAll("a.note-ref[aria-controls]").length,
    notesPlaced: document.querySelector(".article-text").classList.contains("notes-placed"),
  }));
  // The other tab was told of the same update, and handled it without reloading.
  await b.waitForFunction((v) => window.__dossierLive && window.__dossierLive.version >= v, seenA.version, { timeout: 15000 });
  const seenB = await b.evaluate(() => ({ kept: window.__marker === "still here", patches: window.__dossierLive.patches }));
  console.log(JSON.stringify({ before, a: seenA, b: { ...seenB, loads: loadsB } }));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
