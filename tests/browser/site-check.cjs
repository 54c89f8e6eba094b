// The site checker CI runs on every built site: a built folder checked the way readers'
// browsers and users' tools see it, served under a base path. Four checks:
//   html     the Nu HTML Checker (npm vnu-jar, run with Java): its errors fail
//   links    every internal href/src/srcset/CSS url() names a file of the folder, and every
//            #fragment an id of its page (site-check/links.cjs)
//   a11y     axe-core in headless Chromium: serious and critical violations fail
//   browser  uncaught JS errors, console errors, failed same-site requests while loading
// It needs only what `npm install` in tests/browser/ brings, Java and Debian's Chromium.
// Output: one line per finding, "FILE:LINE:COL: error: …"; the last line is
// "site-check: N errors, M warnings". Exit 0 clean, 1 on errors, 2 on a usage or setup error.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const CHECKS = ["html", "links", "a11y", "browser"];
const FAILING_IMPACTS = ["serious", "critical"];
const USAGE = `usage: node tests/browser/site-check.cjs DIR [--base-path /sub/] [--site-url URL] [--skip CHECK,…] [--jobs N]

Checks the built site in DIR as served under --base-path (default /).
--site-url  the site's public URL (e.g. https://example.org/dossier/): absolute links to it are checked too
--skip      checks to leave out, of ${CHECKS.join(", ")}
--jobs      pages Chromium loads at once (default 2)`;

function fail(message, code) {
  console.error(`site-check: ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { dir: null, base: "/", siteUrl: null, skip: new Set(), jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${arg} needs a value\n${USAGE}`, 2));
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--base-path") opts.base = value();
    else if (arg === "--site-url") opts.siteUrl = value().replace(/\/*$/, "/");
    else if (arg === "--skip") value().split(",").filter(Boolean).forEach((c) => opts.skip.add(c));
    else if (arg === "--jobs") opts.jobs = Number(value());
    else if (arg.startsWith("-") || opts.dir) fail(`unexpected argument "${arg}"\n${USAGE}`, 2);
    else opts.dir = arg;
  }
  if (!opts.dir) fail(`which folder? give the built site's folder\n${USAGE}`, 2);
  const unknown = [...opts.skip].filter((c) => !CHECKS.includes(c));
  if (unknown.length) fail(`--skip: no check named ${unknown.join(", ")} (checks: ${CHECKS.join(", ")})`, 2);
  if (!(Number.isInteger(opts.jobs) && opts.jobs > 0)) fail("--jobs needs a whole number above 0", 2);
  if (opts.siteUrl && !/^https?:\/\/[^/]/.test(opts.siteUrl)) {
    fail(`--site-url needs an absolute http(s) URL such as https://example.org/dossier/, not "${opts.siteUrl}"`, 2);
  }
  opts.base = `/${opts.base.replace(/^\/+|\/+$/g, "")}/`.replace(/^\/\/$/, "/");
  return opts;
}

/** What the selected checks need and is missing, each with how to install it. */
function missingTools(opts) {
  const missing = [];
  const modules = ["parse5", "playwright-core", "axe-core", "vnu-jar"];
  if (modules.some((m) => !fs.existsSync(path.join(__dirname, "node_modules", m)))) {
    missing.push("npm packages: run `npm install --prefix tests/browser`");
  }
  if (!opts.skip.has("html") && spawnSync("java", ["-version"]).status !== 0) {
    missing.push("Java for the Nu checker: `apt-get install default-jre-headless`");
  }
  const browser = !(opts.skip.has("a11y") && opts.skip.has("browser"));
  const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
  if (browser && !fs.existsSync(chromium)) missing.push(`Chromium at ${chromium}: \`apt-get install chromium\` (or set CHROMIUM)`);
  return missing;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One finding: "FILE:LINE:COL: error: message" (line and column when known). */
function line(f, kind) {
  return `  ${f.file}${f.line ? `:${f.line}` : ""}${f.line && f.col ? `:${f.col}` : ""}: ${kind}: ${f.message}`;
}

/** Prints one check's section; returns its counts. */
function section(title, errors, warnings) {
  console.log(`== ${title}: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`);
  errors.forEach((f) => console.log(line(f, "error")));
  warnings.forEach((f) => console.log(line(f, "warning")));
  return { errors: errors.length, warnings: warnings.length };
}

function browserFindings(results, opts) {
  const a11y = { errors: [], warnings: [] };
  const loading = { errors: [], warnings: [] };
  for (const r of results) {
    for (const v of r.violations) {
      const list = FAILING_IMPACTS.includes(v.impact) ? a11y.errors : a11y.warnings;
      const where = v.targets.slice(0, 3).join(", ") + (v.targets.length > 3 ? ", …" : "");
      list.push({ file: r.file, message: `[${v.impact}] ${v.id}: ${v.help} (${where})` });
    }
    r.errors.forEach((message) => loading.errors.push({ file: r.file, message }));
    r.warnings.forEach((message) => loading.warnings.push({ file: r.file, message }));
  }
  const counts = [];
  if (!opts.skip.has("a11y")) counts.push(section(`a11y (axe-core, ${results.length} pages)`, a11y.errors, a11y.warnings));
  if (!opts.skip.has("browser")) counts.push(section(`browser (${results.length} pages)`, loading.errors, loading.warnings));
  return counts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = path.resolve(opts.dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) fail(`${opts.dir} is not a folder`, 2);
  const missing = missingTools(opts);
  if (missing.length) fail(`cannot run, missing:\n  ${missing.join("\n  ")}`, 2);
  const { checkLinks, siteFiles, pageUrl } = require("./site-check/links.cjs");
  const files = siteFiles(root);
  if (!files.html.length) fail(`${opts.dir} holds no HTML file: is it a built site?`, 2);
  console.log(`site-check: ${opts.dir}: ${plural(files.html.length, "page")}, ${plural(files.css.length, "style sheet")}, served under ${opts.base}`);
  const started = Date.now();
  const html = opts.skip.has("html") ? null : require("./site-check/nu.cjs").checkHtml(root, files.html);
  const counts = [];
  if (!opts.skip.has("links")) {
    const links = await checkLinks(root, opts.base, opts.siteUrl, files);
    counts.push(section(`links (${links.checked} internal references, ${links.external} external not followed)`, links.errors, []));
  }
  if (!(opts.skip.has("a11y") && opts.skip.has("browser"))) {
    const { serve } = require("./site-check/serve.cjs");
    const { checkInBrowser } = require("./site-check/browser.cjs");
    const server = await serve(root, opts.base);
    try {
      const items = files.html.map((file) => ({ file, url: pageUrl(opts.base, file) }));
      counts.push(...browserFindings(await checkInBrowser(server.origin, items, opts.jobs, !opts.skip.has("a11y")), opts));
    } finally {
      await server.close();
    }
  }
  if (html) {
    const nu = await html;
    if (nu.failure) counts.push(section("html (Nu HTML Checker)", [{ file: opts.dir, message: nu.failure }], []));
    else counts.push(section(`html (Nu HTML Checker ${nu.version})`, nu.errors, nu.warnings));
  }
  const errors = counts.reduce((n, c) => n + c.errors, 0);
  const warnings = counts.reduce((n, c) => n + c.warnings, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`site-check: ${plural(errors, "error")}, ${plural(warnings, "warning")} (${seconds} s)`);
  process.exitCode = errors ? 1 : 0;
}

main().catch((e) => fail(`the check itself failed: ${(e && e.stack) || e}`, 2));
