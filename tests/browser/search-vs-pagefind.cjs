// Search results of a built site against pristine Pagefind's on the same records.
//
// dossier writes its search index with a patched, vendored Pagefind (and may one day write
// it itself); readers must not see a difference. This driver reads the records back from
// the built site (pagefind/pagefind.*.pf_meta lists the pages in index order, each
// pagefind/fragment/<hash>.pf_fragment holds one record), builds an index of the same
// records, in the same order, with the published `pagefind` npm package (its Node API:
// the pristine Rust binary), serves both, and runs a set of queries through each index's
// own pagefind.js in headless Chromium. Per query it compares the ordered result URLs,
// the scores, each result's excerpt, sub-results, meta, filters and word locations, and
// the filter counts. It also compares the two indexes' page lists and records.
//
// usage: node search-vs-pagefind.cjs SITE [--query TEXT[::KIND]]... [--data N] [--keep DIR]
//   SITE      a built site (the folder holding pagefind/)
//   --query   an extra query (KIND: a `kind` filter); a set is derived from the records too
//   --data    how many results of each query to load and compare in full (default 25;
//             the URLs and scores of all results are always compared)
//   --keep    write the pristine index to DIR/pagefind and keep it (default: a temporary folder)
// Prints one line per query, then `N queries, M differences`; exits 1 on any difference,
// 2 if it cannot run (no index, no Chromium, no `pagefind` package).
"use strict";
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const zlib = require("zlib");

// The options the default theme's search.js gives Pagefind (themes/default/static/search.js);
// every query runs with these and with Pagefind's defaults.
const THEME_OPTIONS = { excerptLength: 24, ranking: { pageLength: 0.1, metaWeights: { title: 10, article: 0 } } };
const SIGNATURE = "pagefind_dcd";

// Why the comparison cannot run (exit status 2, after cleaning up).
class CannotRun extends Error {}

function fail(message) {
  throw new CannotRun(message);
}

function parseArgs(argv) {
  const args = { site: null, queries: [], data: 25, keep: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--query") args.queries.push(parseQuery(argv[++i], "given"));
    else if (a === "--data") args.data = Number(argv[++i]);
    else if (a === "--keep") args.keep = argv[++i];
    else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else args.site = a;
  }
  if (!args.site) fail("usage: node search-vs-pagefind.cjs SITE [--query TEXT[::KIND]]... [--data N] [--keep DIR]");
  return args;
}

function parseQuery(text, why) {
  if (text === undefined) fail("--query needs a value");
  const [term, kind] = text.split("::");
  return { term, kind: kind || null, why };
}

// ---- Reading an index back: gzip, Pagefind's signature, then CBOR (meta) or JSON (fragments).

function unpack(file) {
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  if (bytes.subarray(0, SIGNATURE.length).toString("latin1") !== SIGNATURE) fail(`${file}: no ${SIGNATURE} signature`);
  return bytes.subarray(SIGNATURE.length);
}

// A CBOR decoder for what minicbor writes (RFC 8949: integers, strings, arrays, maps, simple values).
function cbor(bytes) {
  let at = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  function length(info) {
    if (info < 24) return info;
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (info === 31) return -1;
    if (!size) throw new Error(`CBOR: bad length ${info} at ${at}`);
    const n = size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at) : size === 4 ? view.getUint32(at) : Number(view.getBigUint64(at));
    at += size;
    return n;
  }
  function item() {
    const head = bytes[at++];
    const major = head >> 5;
    const info = head & 31;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22 || info === 23) return null;
      if (info === 26) { at += 4; return view.getFloat32(at - 4); }
      if (info === 27) { at += 8; return view.getFloat64(at - 8); }
      if (info === 31) return BREAK;
      throw new Error(`CBOR: simple value ${info} at ${at}`);
    }
    const n = length(info);
    if (major === 0) return n;
    if (major === 1) return -1 - n;
    if (major === 2 || major === 3) {
      const s = bytes.subarray(at, at + n);
      at += n;
      return major === 3 ? Buffer.from(s).toString("utf8") : Buffer.from(s);
    }
    if (major === 4 || major === 5) {
      const out = major === 4 ? [] : {};
      for (let i = 0; n < 0 || i < n; i++) {
        const k = item();
        if (k === BREAK) break;
        if (major === 4) out.push(k);
        else out[k] = item();
      }
      return out;
    }
    if (major === 6) return item(); // a tag: its value
    throw new Error(`CBOR: major type ${major} at ${at}`);
  }
  const BREAK = Symbol("break");
  return item();
}

// The index of `site/pagefind`: its language, its pages in index order ({hash, wordCount,
// record}), and its filters. MetaIndex (pagefind's index_metadata.rs) is
// [version, pages: [[hash, word_count, group_hash]], index_chunks, filters: [[filter, hash]], sorts, meta_fields].
function readIndex(bundle) {
  const entryFile = path.join(bundle, "pagefind-entry.json");
  if (!fs.existsSync(entryFile)) fail(`${entryFile} does not exist: is ${path.dirname(bundle)} a built site with search on?`);
  const entry = JSON.parse(fs.readFileSync(entryFile, "utf8"));
  const languages = Object.entries(entry.languages);
  if (languages.length !== 1) fail(`${entryFile}: expected one language, found ${languages.map(([l]) => l).join(", ")}`);
  const [language, { hash }] = languages[0];
  const meta = cbor(unpack(path.join(bundle, `pagefind.${hash}.pf_meta`)));
  const [version, pages, chunks, filters] = meta;
  const records = pages.map(([page, wordCount, group]) => {
    if (group) fail(`${bundle}: fragments grouped into files (max_fragments) are not read by this driver`);
    const record = JSON.parse(unpack(path.join(bundle, "fragment", `${page}.pf_fragment`)).toString("utf8"));
    return { hash: page, wordCount, record };
  });
  return { version, language, pages: records, chunks: chunks.length, filters: filters.map(([f]) => f) };
}

// ---- The pristine index: the same records, in the same order, through the npm package.

async function pristine(index, out) {
  let pagefind;
  try {
    pagefind = await import("pagefind");
  } catch (e) {
    fail(`the npm package pagefind@1.6.0 is missing (npm install --prefix tests/browser): ${e.message}`);
  }
  const { index: pf, errors } = await pagefind.createIndex({ forceLanguage: index.language });
  if (!pf) fail(`pagefind.createIndex: ${errors.join("; ")}`);
  for (const { record } of index.pages) {
    const { url, content, meta, filters } = record;
    const added = await pf.addCustomRecord({ url, content, language: index.language, meta, filters });
    if (added.errors.length) fail(`pagefind.addCustomRecord(${url}): ${added.errors.join("; ")}`);
  }
  const written = await pf.writeFiles({ outputPath: out });
  if (written.errors.length) fail(`pagefind.writeFiles: ${written.errors.join("; ")}`);
  await pagefind.close();
}

// ---- Queries derived from the records, so that they hit words the site has.

function deriveQueries(index) {
  const df = new Map();
  const kinds = new Set();
  for (const { record } of index.pages) {
    for (const k of (record.filters && record.filters.kind) || []) kinds.add(k);
    for (const w of new Set(words(record.content))) df.set(w, (df.get(w) || 0) + 1);
  }
  const byDf = [...df.entries()].filter(([w]) => w.length >= 4 && !/^\d+$/.test(w));
  byDf.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (byDf.length < 3) fail("too few words in the index to query");
  const common = byDf[0][0];
  const middling = byDf[Math.floor(byDf.length / 4)][0];
  const rare = (byDf.find(([, n]) => n === 2) || byDf[byDf.length - 1])[0];
  const queries = [
    { term: common, why: "the commonest word" },
    { term: middling, why: "a middling word" },
    { term: rare, why: "a rare word" },
    { term: `${common} ${rare}`, why: "two words" },
    { term: common.toUpperCase(), why: "upper case" },
    { term: common.slice(0, 3), why: "a prefix" },
    { term: "qzxjvwkq", why: "a word that is not there" },
  ];
  const longest = index.pages.map((p) => p.record.content).sort((a, b) => b.length - a.length)[0];
  const run = words(longest);
  if (run.length >= 8) {
    const mid = Math.floor(run.length / 2);
    queries.push({ term: `"${run.slice(mid, mid + 3).join(" ")}"`, why: "a phrase in quotes" });
  }
  for (const kind of [...kinds].sort()) {
    queries.push({ term: common, kind, why: `a filter: kind ${kind}` });
  }
  if (kinds.size) queries.push({ term: null, kind: [...kinds].sort()[0], why: "a filter alone, no words" });
  const accented = byDf.find(([w]) => /[^\x00-\x7f]/.test(w));
  if (accented) {
    queries.push({ term: accented[0], why: "a word with a diacritic" });
    queries.push({ term: accented[0].normalize("NFD").replace(/[\u0300-\u036f]/g, ""), why: "the same word without its diacritic" });
  }
  const stem = byDf.find(([w]) => /(ed|ing)$/.test(w) && w.length >= 6);
  if (stem) {
    const w = stem[0];
    const variant = w.endsWith("ed") ? `${w.slice(0, -2)}ing` : `${w.slice(0, -3)}ed`;
    queries.push({ term: variant, why: `a stem variant of ${w}` });
  }
  return queries;
}

function words(text) {
  return (text || "").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
}

// ---- Serving both indexes, and searching them in Chromium.

function serve(roots) {
  const types = { ".js": "text/javascript", ".json": "application/json", ".html": "text/html" };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [, name, ...rest] = url.split("/");
    if (name === "blank.html") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(`<!doctype html><html lang="${roots.lang}"><title>search</title></html>`);
    }
    const root = roots[name];
    const file = root && path.join(root, ...rest);
    if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// In the page: every query through one index's pagefind.js, with `options`.
async function searchAll({ bundle, options, queries, data }) {
  const pf = await import(bundle + "pagefind.js");
  // Result URLs are made absolute against baseUrl: the same for both, so they compare.
  await pf.options({ ...options, baseUrl: "/" });
  await pf.init();
  const out = [];
  for (const q of queries) {
    const search = await pf.search(q.term, q.kind ? { filters: { kind: q.kind } } : {});
    const results = search.results;
    const loaded = await Promise.all(results.slice(0, data).map((r) => r.data()));
    out.push({
      count: results.length,
      unfiltered: search.unfilteredResultCount,
      filters: search.filters,
      totalFilters: search.totalFilters,
      ids: results.map((r) => r.id),
      scores: results.map((r) => Number(r.score.toPrecision(6))),
      words: results.map((r) => r.words),
      data: loaded.map((d) => ({
        url: d.url,
        excerpt: d.excerpt,
        sub_results: d.sub_results,
        meta: d.meta,
        filters: d.filters,
        word_count: d.word_count,
        locations: d.locations,
        weighted_locations: d.weighted_locations,
      })),
    });
  }
  return out;
}

// ---- Comparing.

function same(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

function show(v) {
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

// Differences between the two indexes' page lists and records, as lines.
function compareIndexes(ours, theirs) {
  const diffs = [];
  if (ours.pages.length !== theirs.pages.length) diffs.push(`pages: ${ours.pages.length} here, ${theirs.pages.length} in pristine Pagefind's`);
  const n = Math.min(ours.pages.length, theirs.pages.length);
  for (let i = 0; i < n && diffs.length < 20; i++) {
    const [a, b] = [ours.pages[i], theirs.pages[i]];
    if (a.wordCount !== b.wordCount) diffs.push(`page ${i} (${a.record.url}): word count ${a.wordCount} here, ${b.wordCount} pristine`);
    if (!same(a.record, b.record)) {
      const keys = Object.keys({ ...a.record, ...b.record }).filter((k) => !same(a.record[k], b.record[k]));
      diffs.push(`page ${i} (${a.record.url}): record differs in ${keys.join(", ")}: ${keys.map((k) => `${k} ${show(a.record[k])} here, ${show(b.record[k])} pristine`).join("; ")}`);
    }
  }
  if (!same(ours.filters, theirs.filters)) diffs.push(`filters: ${show(ours.filters)} here, ${show(theirs.filters)} pristine`);
  return diffs;
}

// Differences between two runs of one query, as lines; `urls` maps a result id to its page URL.
function compareRuns(a, b, urlsA, urlsB) {
  const diffs = [];
  const urlList = (run, urls) => run.ids.map((id) => urls.get(id) || `?${id}`);
  const [ua, ub] = [urlList(a, urlsA), urlList(b, urlsB)];
  if (!same(ua, ub)) {
    const at = ua.findIndex((u, i) => u !== ub[i]);
    diffs.push(`result URLs differ (${ua.length} here, ${ub.length} pristine), first at #${at}: ${show(ua.slice(at, at + 5))} here, ${show(ub.slice(at, at + 5))} pristine`);
  }
  if (!same(a.scores, b.scores)) {
    const at = a.scores.findIndex((s, i) => s !== b.scores[i]);
    diffs.push(`scores differ, first at #${at}: ${show(a.scores.slice(at, at + 5))} here, ${show(b.scores.slice(at, at + 5))} pristine`);
  }
  if (!same(a.words, b.words)) diffs.push(`matched word positions differ`);
  for (const key of ["unfiltered", "filters", "totalFilters"]) {
    if (!same(a[key], b[key])) diffs.push(`${key}: ${show(a[key])} here, ${show(b[key])} pristine`);
  }
  for (let i = 0; i < Math.min(a.data.length, b.data.length); i++) {
    for (const key of Object.keys(a.data[i])) {
      if (!same(a.data[i][key], b.data[i][key])) {
        diffs.push(`#${i} ${a.data[i].url}: ${key}: ${show(a.data[i][key])} here, ${show(b.data[i][key])} pristine`);
      }
    }
  }
  return diffs;
}

async function launch() {
  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch (e) {
    fail(`playwright-core is missing (npm install --prefix tests/browser): ${e.message}`);
  }
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// {ours, pristine}: every query's run through each index, with `options`.
async function searchBoth(browser, base, options, queries, data) {
  const runs = {};
  for (const side of ["ours", "pristine"]) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}blank.html`);
    runs[side] = await page.evaluate(searchAll, { bundle: `${base}${side}/pagefind/`, options, queries, data });
    if (errors.length) fail(`script errors searching the ${side} index: ${errors.join("; ")}`);
    await page.close();
  }
  return runs;
}

// Prints one line per query (and its differences); the number of differences.
function report(queries, runs, label, urls) {
  let differences = 0;
  queries.forEach((q, i) => {
    const diffs = compareRuns(runs.ours[i], runs.pristine[i], urls.ours, urls.pristine);
    const name = `${q.term === null ? "(no words)" : JSON.stringify(q.term)}${q.kind ? ` kind=${q.kind}` : ""} [${label}; ${q.why}]`;
    if (diffs.length) {
      differences += diffs.length;
      console.log(`DIFF ${name}`);
      for (const d of diffs) console.log(`  ${d}`);
    } else {
      console.log(`same ${name}: ${runs.ours[i].count} results`);
    }
  });
  return differences;
}

// Builds the pristine index in `scratch` and compares; the number of differences.
async function compare(site, scratch, args) {
  const ours = readIndex(path.join(site, "pagefind"));
  await pristine(ours, path.join(scratch, "pagefind"));
  const theirs = readIndex(path.join(scratch, "pagefind"));
  console.log(`${ours.pages.length} records (${ours.language}), Pagefind ${ours.version} here and ${theirs.version} pristine`);
  let differences = 0;
  for (const line of compareIndexes(ours, theirs)) {
    console.log(`DIFF index: ${line}`);
    differences++;
  }
  const queries = [...deriveQueries(ours), ...args.queries];
  const urls = (index) => new Map(index.pages.map((p) => [p.hash, p.record.url]));
  const server = await serve({ ours: site, pristine: scratch, lang: ours.language });
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launch().catch((e) => { server.close(); throw e; });
  try {
    for (const [label, options] of [["defaults", {}], ["theme", THEME_OPTIONS]]) {
      const runs = await searchBoth(browser, base, options, queries, args.data);
      differences += report(queries, runs, label, { ours: urls(ours), pristine: urls(theirs) });
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${queries.length * 2} queries, ${differences} difference${differences === 1 ? "" : "s"}`);
  return differences;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const scratch = args.keep ? path.resolve(args.keep) : fs.mkdtempSync(path.join(os.tmpdir(), "pristine-pagefind-"));
  fs.rmSync(path.join(scratch, "pagefind"), { recursive: true, force: true });
  try {
    return await compare(path.resolve(args.site), scratch, args);
  } finally {
    if (!args.keep) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (differences) => process.exit(differences ? 1 : 0),
  (e) => {
    console.error(e instanceof CannotRun ? `search-vs-pagefind: ${e.message}` : e);
    process.exit(2);
  },
);
