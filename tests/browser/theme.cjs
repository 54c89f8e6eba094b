// What a reader of the default theme notices, measured in Chromium on a built site:
// line length on a wide screen, where the article text starts on a phone, tap target
// sizes, pages that scroll sideways, and whether annotation kinds differ without colour
// (on screen and in print). Optionally writes screenshots of each page type.
// usage: node theme.cjs SITE_DIR [SHOTS_DIR]   (prints one JSON object)
const http = require("http");
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const TYPES = {
  home: "index.html",
  article: "articles/defectors/index.html",
  "article-as-received": "articles/defectors-as-received/index.html",
  changes: "articles/defectors/changes/index.html",
  source: "sources/yey-int-thwe/index.html",
  sources: "sources/index.html",
  figure: "figures/defections-in-proportion/index.html",
  figures: "figures/index.html",
  timeline: "timeline/index.html",
  annotations: "annotations/index.html",
  search: "search/index.html",
  "not-found": "404.html",
};
const WIDTHS = { wide: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };
const MIME = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml", ".png": "image/png" };

function serve(root) {
  const server = http.createServer((req, res) => {
    let file = path.join(root, decodeURIComponent(req.url.split("?")[0]));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// Characters per rendered line of the article's paragraphs (notes, markers and toggles left out).
function charsPerLine() {
  const skip = ".marginnote, .sidenote, .citation, label, .name-changed, sup";
  const counts = [];
  for (const p of document.querySelectorAll(".article-body > p")) {
    const lines = new Map();
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(skip)) continue;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r) continue;
        const top = Math.round(r.top / 4);
        lines.set(top, (lines.get(top) || 0) + 1);
      }
    }
    const sizes = [...lines.values()];
    sizes.pop(); // the last line of a paragraph is short by nature
    counts.push(...sizes.filter((n) => n > 10));
  }
  counts.sort((a, b) => a - b);
  return { lines: counts.length, median: counts[Math.floor(counts.length / 2)] || 0 };
}

// The smallest tap target of each marker kind (its box, padding included).
function tapTargets() {
  const sizes = {};
  for (const [name, sel] of Object.entries({ citation: ".article-body > p .citation a", footnote: "label.sidenote-number", backref: ".backref", noteToggle: "a.note-ref" })) {
    let min = null;
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width) continue;
      const box = { width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
      if (!min || box.width * box.height < min.width * min.height) min = box;
    }
    sizes[name] = min;
  }
  return sizes;
}

// How each annotation kind is drawn, without its colours.
function kindStyles() {
  const out = {};
  for (const mark of document.querySelectorAll("mark.anno[data-kind]")) {
    const kind = mark.dataset.kind;
    if (out[kind] || mark.parentElement.closest("mark")) continue;
    const s = getComputedStyle(mark);
    const after = getComputedStyle(mark, "::after");
    const before = getComputedStyle(mark, "::before");
    out[kind] = {
      line: `${s.textDecorationLine} ${s.textDecorationStyle} ${s.borderBottomStyle} ${s.borderBottomWidth}`,
      shape: `${before.content} ${after.content}`,
      label: mark.querySelector(".visually-hidden, .anno-kind-label")?.textContent || mark.getAttribute("aria-description") || "",
      looksLikeLink: s.color === getComputedStyle(document.querySelector(".article-body a:not(.cite)")).color,
    };
  }
  return out;
}

(async () => {
  const [siteDir, shots] = process.argv.slice(2);
  const root = path.resolve(siteDir);
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
  });
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const report = { pages: {} };
  for (const [name, viewport] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("requestfailed", (r) => errors.push(`failed: ${r.url()}`));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()}: ${r.url()}`));
    for (const [type, rel] of Object.entries(TYPES)) {
      if (!fs.existsSync(path.join(root, rel))) continue;
      await page.goto(base + rel.replace(/index\.html$/, ""));
      const facts = await page.evaluate(() => ({
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        mainCentre: (() => {
          // The centre of what the page shows (its children), against the window's centre.
          const boxes = [...document.querySelectorAll("main > .page > *")].map((e) => e.getBoundingClientRect()).filter((r) => r.width);
          const left = Math.min(...boxes.map((r) => r.left)), right = Math.max(...boxes.map((r) => r.right));
          return Math.round((left + right) / 2 - document.documentElement.clientWidth / 2);
        })(),
        firstText: (() => {
          const p = document.querySelector(".article-body > p");
          return p ? Math.round(p.getBoundingClientRect().top + scrollY) : null;
        })(),
      }));
      const entry = (report.pages[type] ||= {});
      entry[name] = facts;
      if (type === "article") {
        report[name] = { charsPerLine: await page.evaluate(charsPerLine), tapTargets: await page.evaluate(tapTargets), kinds: await page.evaluate(kindStyles) };
        await page.emulateMedia({ media: "print" });
        report[name].printKinds = await page.evaluate(kindStyles);
        await page.emulateMedia({ media: "screen" });
      }
      if (shots) {
        await page.screenshot({ path: path.join(shots, `${type}-${viewport.width}.png`), fullPage: true });
        await page.screenshot({ path: path.join(shots, `${type}-${viewport.width}-first-screen.png`) });
      }
    }
    report[name] = { ...(report[name] || {}), errors };
    await context.close();
  }
  console.log(JSON.stringify(report));
  await browser.close();
  server.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
