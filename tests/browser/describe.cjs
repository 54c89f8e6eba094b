// Describes every highlight of a dossier's article pages as Hypothesis would
// save it: in Chromium, the range from the start of a placement's first
// <mark> to the end of its last is given to Hypothesis's own describe()
// (vendored in ./hypothesis), and the selectors it returns become an
// annotation in the shape of Hypothesis's API (`uri`, `text` for the note,
// `tags` for the kind, `target[0].selector`). The notes and kinds are read
// from the dossier's annotations.jsonld. Prints the rows as one search result,
// {"total": N, "rows": [...]}.
// usage: node describe.cjs SITE_URL ANNOTATIONS_JSONLD (a URL or a file) BASE_URL
// (the rows' URIs are under BASE_URL; the pages are loaded from SITE_URL).
const fs = require("fs");
const esbuild = require("esbuild");
const { chromium } = require("playwright-core");

/** Runs in the page: Hypothesis's selectors for each placement in `anchors`. */
function describeAll(anchors) {
  const out = {};
  for (const anchor of anchors) {
    const first = document.getElementById(anchor);
    if (!first) continue;
    const id = first.getAttribute("data-annotation");
    const pieces = [...document.querySelectorAll('mark[data-annotation="' + CSS.escape(id) + '"]')];
    let last = first;
    for (const mark of pieces.slice(pieces.indexOf(first) + 1)) {
      if (mark.id) break;
      last = mark;
    }
    const range = document.createRange();
    range.setStart(first, 0);
    range.setEnd(last, last.childNodes.length);
    out[anchor] = window.Hypothesis.describe(document.body, range);
  }
  return out;
}

(async () => {
  const [site, jsonldPath, baseUrl] = process.argv.slice(2);
  const script = esbuild.buildSync({
    stdin: { contents: 'export { anchor, describe } from "./hypothesis/html.ts";', resolveDir: __dirname, loader: "ts" },
    bundle: true, format: "iife", globalName: "Hypothesis", write: false, logLevel: "silent",
  }).outputFiles[0].text;
  const collection = jsonldPath.startsWith("http")
    ? await (await fetch(jsonldPath)).json()
    : JSON.parse(fs.readFileSync(jsonldPath, "utf8"));
  const byPage = new Map();
  for (const item of collection.first.items) {
    const uri = item.target.source;
    if (!byPage.has(uri)) byPage.set(uri, []);
    byPage.get(uri).push(item);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const rows = [];
  for (const [uri, items] of byPage) {
    await page.goto(uri.replace(baseUrl, site));
    await page.addScriptTag({ content: script });
    const described = await page.evaluate(describeAll, items.map((a) => a.id.split("#")[1]));
    for (const item of items) {
      const anchor = item.id.split("#")[1];
      const note = [].concat(item.body || []).find((b) => b.type === "TextualBody" && b.purpose === "commenting");
      rows.push({
        id: "h" + rows.length,
        uri,
        text: note ? note.value : "",
        tags: [item["dossier:kind"]],
        target: [{ source: uri, selector: described[anchor] || [] }],
      });
    }
  }
  await browser.close();
  console.log(JSON.stringify({ total: rows.length, rows }));
})().catch((e) => { console.error(e); process.exit(1); });
