// Anchors every annotation of a dossier's annotations.jsonld with a real W3C
// client, Apache Annotator (@apache-annotator/dom), in Chromium, on the
// published pages. Prints one JSON line per annotation: how often its quote
// selector matched, the matched text, the text its position selector selects,
// and the text of the page's own <mark data-annotation> pieces for it.
// usage: node anchor.cjs SITE_URL ANNOTATIONS_JSONLD (a URL or a file) BASE_URL
// (target sources under BASE_URL are looked up under SITE_URL instead).
const fs = require("fs");
const esbuild = require("esbuild");
const { chromium } = require("playwright-core");

(async () => {
  const [site, jsonldPath, baseUrl] = process.argv.slice(2);
  const bundle = esbuild.buildSync({
    stdin: { contents: 'export * from "@apache-annotator/dom";', resolveDir: __dirname },
    bundle: true, format: "iife", globalName: "ApacheAnnotator", write: false, logLevel: "silent",
  }).outputFiles[0].text;
  const collection = jsonldPath.startsWith("http")
    ? await (await fetch(jsonldPath)).json()
    : JSON.parse(fs.readFileSync(jsonldPath, "utf8"));
  const items = collection.first.items;
  const byPage = new Map();
  for (const item of items) {
    const page = item.target.source.replace(baseUrl, site);
    if (!byPage.has(page)) byPage.set(page, []);
    byPage.get(page).push(item);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  for (const [url, annotations] of byPage) {
    await page.goto(url);
    await page.addScriptTag({ content: bundle });
    const results = await page.evaluate(async (annotations) => {
      const AA = window.ApacheAnnotator;
      const out = [];
      for (const a of annotations) {
        const anchor = a.id.split("#")[1];
        const result = { id: anchor, quoteMatches: 0, quoteText: null, positionText: null, marks: null };
        for (const selector of [].concat(a.target.selector)) {
          let scope = document.body;
          let inner = selector;
          if (selector.type === "CssSelector") {
            const matches = [];
            for await (const el of AA.createCssSelectorMatcher(selector)(document)) matches.push(el);
            if (matches.length !== 1) { result.scopeMatches = matches.length; continue; }
            scope = matches[0];
            inner = selector.refinedBy;
          }
          if (inner.type === "TextQuoteSelector") {
            for await (const range of AA.createTextQuoteSelectorMatcher(inner)(scope)) {
              result.quoteMatches++;
              result.quoteText = range.toString();
            }
          } else if (inner.type === "TextPositionSelector") {
            for await (const range of AA.createTextPositionSelectorMatcher(inner)(scope)) {
              result.positionText = range.toString();
            }
          }
        }
        // The page's own marks for this placement: the piece with its id, and the
        // pieces of the same annotation that follow it, up to the next placement.
        const first = document.getElementById(anchor);
        if (first) {
          const id = first.getAttribute("data-annotation");
          let text = null;
          for (const mark of document.querySelectorAll("mark[data-annotation]")) {
            if (mark.getAttribute("data-annotation") !== id) continue;
            if (mark === first) text = "";
            else if (text !== null && mark.id) break;
            if (text !== null && !(mark.parentElement && mark.parentElement.closest('mark[data-annotation="' + CSS.escape(id) + '"]'))) {
              text += mark.textContent;
            }
          }
          result.marks = text;
        }
        out.push(result);
      }
      return out;
    }, annotations);
    for (const r of results) console.log(JSON.stringify(r));
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
