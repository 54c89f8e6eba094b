// The browser half of the site checker: each page loaded in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) from the loopback server, as a reader's
// browser loads it. Recorded per page: uncaught JS errors, console errors, same-site
// requests that fail or answer 4xx/5xx, and axe-core's accessibility violations (npm
// axe-core, added to each page before its own scripts). Nothing leaves the machine: every
// host but loopback fails to resolve, and a request to one is reported as a warning.
"use strict";
const { chromium } = require("playwright-core");

const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];
const SETTLE_MS = 200; // a page is loaded when no request has been open for this long…
const SETTLE_MAX_MS = 5000; // …or after this long

function chromiumPath() {
  return process.env.CHROMIUM || "/usr/bin/chromium";
}

/** Runs in the page: axe-core's violations, each with the elements it found. */
async function runAxe() {
  const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
  return violations.map((v) => ({
    id: v.id, impact: v.impact || "minor", help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}

/** A tab that records what goes wrong into `tab.result` while a page loads. */
async function openTab(browser, origin, axe) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
  // axe-core is added to every page before its own scripts, so it is parsed with the page.
  if (axe) await context.addInitScript({ path: require.resolve("axe-core/axe.min.js") });
  const page = await context.newPage();
  const tab = { context, page, axe, result: null, open: new Set(), last: Date.now() };
  const short = (url) => (url.startsWith(origin) ? url.slice(origin.length) : url);
  const local = (url) => url.startsWith(`${origin}/`);
  const note = (list, message) => tab.result && !tab.result[list].includes(message) && tab.result[list].push(message);
  const settled = (request) => {
    tab.open.delete(request);
    tab.last = Date.now();
  };
  page.on("request", (request) => tab.open.add(request) && (tab.last = Date.now()));
  page.on("requestfinished", settled);
  page.on("requestfailed", (request) => {
    settled(request);
    const why = (request.failure() || {}).errorText || "failed";
    if (!local(request.url())) note("warnings", `request to another site (not loaded: the check runs offline): ${request.url()}`);
    else if (why === "net::ERR_ABORTED") note("warnings", `request aborted: ${short(request.url())}`);
    else note("errors", `request failed (${why}): ${short(request.url())}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && local(response.url())) {
      note("errors", `HTTP ${response.status()} for ${short(response.url())} (${response.request().resourceType()})`);
    }
  });
  page.on("console", (message) => {
    if (message.type() !== "error" || /^Failed to load resource/.test(message.text())) return; // reported above
    const at = message.location() || {};
    note("errors", `console error: ${message.text()}${at.url ? ` (${short(at.url)}:${(at.lineNumber || 0) + 1})` : ""}`);
  });
  page.on("pageerror", (error) => {
    const at = /(https?:\/\/[^\s)]+:\d+:\d+)/.exec(error.stack || "");
    note("errors", `uncaught ${error.name || "Error"}: ${error.message}${at ? ` (${short(at[1])})` : ""}`);
  });
  page.on("dialog", (dialog) => dialog.dismiss().catch(() => {}));
  return tab;
}

/** Loads one page, waits until its requests settle, runs axe-core; returns what was recorded. */
async function checkPage(tab, item, origin) {
  tab.result = { file: item.file, errors: [], warnings: [], violations: [] };
  tab.open.clear();
  try {
    await tab.page.goto(origin + item.url, { waitUntil: "load", timeout: 30000 });
    const loaded = Date.now();
    while (Date.now() - loaded < SETTLE_MAX_MS && !(tab.open.size === 0 && Date.now() - tab.last >= SETTLE_MS)) {
      await tab.page.waitForTimeout(25);
    }
    if (tab.axe) tab.result.violations = await tab.page.evaluate(runAxe);
  } catch (e) {
    tab.result.errors.push(`the page could not be checked: ${String(e.message || e).split("\n")[0]}`);
  }
  const result = tab.result;
  tab.result = null;
  return result;
}

/** Loads every page of `items` ({ file, url }) from `origin`, `jobs` at a time; with `axe`
 * set, runs axe-core on each. */
async function checkInBrowser(origin, items, jobs, axe) {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS, timeout: 60000 });
  try {
    const queue = items.slice();
    const results = [];
    await Promise.all(
      Array.from({ length: Math.min(jobs, queue.length) }, async () => {
        const tab = await openTab(browser, origin, axe);
        while (queue.length) results.push(await checkPage(tab, queue.shift(), origin));
        await tab.context.close();
      }),
    );
    const order = new Map(items.map((item, i) => [item.file, i]));
    return results.sort((a, b) => order.get(a.file) - order.get(b.file));
  } finally {
    await browser.close();
  }
}

module.exports = { checkInBrowser, chromiumPath };
