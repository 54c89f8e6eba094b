// The site checker's own test: a checker that passes everything proves nothing, so it is run
// on broken/, a small site broken on purpose in every way it checks, and must fail with
// exactly the expected findings, both under a sub-path and at the root (where the one
// root-absolute link works). other.html is clean and must have no finding.
// usage: node --test tests/browser/site-check/site-check.test.cjs   (CI runs it; needs what site-check.cjs needs)
"use strict";
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const test = require("node:test");

const CHECKER = path.join(__dirname, "..", "site-check.cjs");
const BROKEN = path.join(__dirname, "broken");

function siteCheck(...args) {
  const run = spawnSync(process.execPath, [CHECKER, BROKEN, ...args], { encoding: "utf8", timeout: 300000 });
  assert.notStrictEqual(run.status, 2, `the checker could not run:\n${run.stderr}`);
  return { status: run.status, out: run.stdout, lines: run.stdout.split("\n").map((l) => l.trim()) };
}

// Every error the broken site must produce under /sub/ with --site-url https://example.org/sub/,
// one per line of output.
const EXPECTED_UNDER_SUB = [
  'index.html:7:1: error: broken link <meta og:image> "https://example.org/sub/card.png": there is no file card.png',
  'index.html:19:5: error: missing fragment <a href> "other.html#nowhere": no id "nowhere" in other.html',
  'index.html:20:5: error: missing fragment <a href> "#gone": no id "gone" in this page',
  'index.html:21:5: error: broken link <a href> "missing/": there is no missing/index.html',
  'index.html:22:5: error: broken link <a href> "/other.html": it is outside the base path /sub/',
  'index.html:25:1: error: broken link <img src> "missing.png": there is no file missing.png',
  'index.html:26:1: error: broken link <img srcset> "missing-2x.svg": there is no file missing-2x.svg',
  'style.css:2: error: broken link url() "fonts/gone.woff2": there is no file fonts/gone.woff2',
  "index.html: error: [critical] button-name: Buttons must have discernible text (button)",
  "index.html: error: [serious] color-contrast: Elements must meet minimum color contrast ratio thresholds (.faint)",
  "index.html: error: HTTP 404 for /sub/missing.png (image)",
  "index.html: error: console error: app.js: could not find the search index (/sub/app.js:2)",
  "index.html: error: uncaught TypeError: Cannot set properties of null (setting 'textContent') (/sub/app.js:3:56)",
  "index.html:15:1: error: Duplicate ID “twice”.",
  "index.html:16:17: error: Stray end tag “span”.",
];

test("the broken site fails under a sub-path with every expected error and nothing else", () => {
  const run = siteCheck("--base-path", "/sub/", "--site-url", "https://example.org/sub/");
  assert.strictEqual(run.status, 1, run.out);
  const errors = run.lines.filter((l) => l.includes(": error: "));
  assert.deepStrictEqual(errors.slice().sort(), EXPECTED_UNDER_SUB.slice().sort(), run.out);
  assert.match(run.out, /\nsite-check: 15 errors, \d+ warnings? \(/);
  assert.ok(!run.lines.some((l) => l.startsWith("other.html")), `other.html is clean:\n${run.out}`);
});

test("served at the root, the root-absolute link works; without --site-url, absolute links are not followed", () => {
  const run = siteCheck("--skip", "html,a11y,browser");
  assert.strictEqual(run.status, 1, run.out);
  const errors = run.lines.filter((l) => l.includes(": error: "));
  const expected = EXPECTED_UNDER_SUB.slice(1, 8).filter((l) => !l.includes('"/other.html"'));
  assert.deepStrictEqual(errors, expected, run.out);
});

test("a usage error or a folder that is not a site says what is wrong and exits 2", () => {
  const node = (...args) => spawnSync(process.execPath, [CHECKER, ...args], { encoding: "utf8" });
  const unknown = node(BROKEN, "--skip", "spelling");
  assert.strictEqual(unknown.status, 2);
  assert.match(unknown.stderr, /--skip: no check named spelling \(checks: html, links, a11y, browser\)/);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "site-check-"));
  const empty = node(folder, "--skip", "html,a11y,browser");
  fs.rmSync(folder, { recursive: true });
  assert.strictEqual(empty.status, 2);
  assert.match(empty.stderr, /holds no HTML file: is it a built site\?/);
});
