// Anchors every annotation of a dossier's annotations.jsonld with two real
// clients in Chromium, on the published pages: Apache Annotator
// (@apache-annotator/dom), which follows each selector (and its `refinedBy`),
// and Hypothesis (its own anchoring code, vendored in ./hypothesis), which
// reads the top-level selectors. Prints one JSON line per annotation with, for
// the page's own <mark data-annotation> pieces of it, their text and where
// they start and end in document.body's text (UTF-16 offsets, from the first
// piece to the last), and the text and start of what each client found:
//   apache: one entry per selector: type, matches, text, start
//   hypothesis: the anchor from all selectors ({text, start} or {error}),
//   hypothesisQuote: the anchor from its TextQuoteSelector alone.
// usage: node anchor.cjs SITE_URL ANNOTATIONS_JSONLD (a URL or a file) BASE_URL
// (target sources under BASE_URL are looked up under SITE_URL instead).
const fs = require("fs");
const esbuild = require("esbuild");
const { chromium } = require("playwright-core");

/** An IIFE bundle of `contents` exposing its exports as `window[name]`. */
function bundle(contents, name) {
  return esbuild.buildSync({
    stdin: { contents, resolveDir: __dirname, loader: "ts" },
    bundle: true, format: "iife", globalName: name, write: false, logLevel: "silent",
  }).outputFiles[0].text;
}

/** Runs in the page: both clients on each annotation. */
async function anchorAll(annotations) {
  const AA = window.ApacheAnnotator;
  const H = window.Hypothesis;
  // Offset of a range's start in document.body's text, as a browser counts it (UTF-16).
  const offset = (range) => {
    const before = document.createRange();
    before.setStart(document.body, 0);
    before.setEnd(range.startContainer, range.startOffset);
    return before.toString().length;
  };
  const found = (range) => ({ text: range.toString(), start: offset(range) });
  const hypothesis = async (selectors) => {
    try { return found(await H.anchor(document.body, selectors)); } catch (e) { return { error: String(e) }; }
  };
  const out = [];
  for (const a of annotations) {
    const anchor = a.id.split("#")[1];
    const selectors = [].concat(a.target.selector);
    const result = { id: anchor, apache: [], marks: null, marksStart: null };
    for (const selector of selectors) {
      let scope = document.body;
      let inner = selector;
      const entry = { type: selector.type + (selector.refinedBy ? ">" + selector.refinedBy.type : ""), matches: 0 };
      if (selector.type === "CssSelector") {
        const matches = [];
        for await (const el of AA.createCssSelectorMatcher(selector)(document)) matches.push(el);
        if (matches.length !== 1) { entry.scopeMatches = matches.length; result.apache.push(entry); continue; }
        scope = matches[0];
        inner = selector.refinedBy;
      }
      const matcher = inner.type === "TextQuoteSelector" ? AA.createTextQuoteSelectorMatcher(inner)
        : AA.createTextPositionSelectorMatcher(inner);
      for await (const range of matcher(scope)) {
        entry.matches++;
        Object.assign(entry, found(range));
      }
      result.apache.push(entry);
    }
    result.hypothesis = await hypothesis(selectors);
    result.hypothesisQuote = await hypothesis(selectors.filter((s) => s.type === "TextQuoteSelector"));
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
      const pieces = [...document.querySelectorAll('mark[data-annotation="' + CSS.escape(id) + '"]')];
      let last = first;
      for (const mark of pieces.slice(pieces.indexOf(first) + 1)) {
        if (mark.id) break;
        last = mark;
      }
      const range = document.createRange();
      range.setStart(first, 0);
      range.setEnd(last, last.childNodes.length);
      result.marks = text;
      result.marksStart = offset(range);
      result.marksEnd = result.marksStart + range.toString().length;
    }
    out.push(result);
  }
  return out;
}

(async () => {
  const [site, jsonldPath, baseUrl] = process.argv.slice(2);
  const scripts = bundle('export * from "@apache-annotator/dom";', "ApacheAnnotator")
    + bundle('export { anchor, describe } from "./hypothesis/html.ts";', "Hypothesis");
  const collection = jsonldPath.startsWith("http")
    ? await (await fetch(jsonldPath)).json()
    : JSON.parse(fs.readFileSync(jsonldPath, "utf8"));
  const byPage = new Map();
  for (const item of collection.first.items) {
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
    await page.addScriptTag({ content: scripts });
    for (const r of await page.evaluate(anchorAll, annotations)) console.log(JSON.stringify(r));
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
