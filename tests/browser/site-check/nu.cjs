// HTML validity for the site checker: the Nu HTML Checker (the W3C validator, npm package
// vnu-jar) run with Java on every page of a built site, in one JVM. Its errors fail the
// check; its warnings are reported. It runs as a child process while the other checks run.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

/** The path of the checker's jar (from npm `vnu-jar`, pinned in package.json). */
function vnuJar() {
  return String(require("vnu-jar"));
}

/** A message of the checker as a finding: the file relative to the site, its line and column. */
function finding(root, message) {
  let file = message.url || "(Nu checker)";
  if (file.startsWith("file:")) file = path.relative(root, decodeURIComponent(new URL(file).pathname));
  return {
    file,
    line: message.lastLine || message.firstLine || 0,
    col: message.firstColumn || message.lastColumn || 0,
    message: message.message,
  };
}

/** Starts the checker on `pages` (relative to `root`); resolves to its errors and warnings. */
function checkHtml(root, pages) {
  // -Xss: the checker recurses deeply on nested markup; TieredStopAtLevel=1 halves its start-up.
  const args = ["-Xss8m", "-XX:TieredStopAtLevel=1", "-jar", vnuJar(), "--format", "json", "--exit-zero-always"];
  const child = spawn("java", [...args, ...pages.map((p) => path.join(root, p))], { stdio: ["ignore", "pipe", "pipe"] });
  const out = [];
  child.stdout.on("data", (d) => out.push(d));
  child.stderr.on("data", (d) => out.push(d)); // the JSON report goes to stderr unless --stdout
  return new Promise((resolve) => {
    child.on("error", (e) => resolve({ failure: `could not run java: ${e.message}` }));
    child.on("close", (status) => {
      const text = Buffer.concat(out).toString("utf8");
      let report;
      try {
        report = JSON.parse(text.slice(text.indexOf('{"')));
      } catch (e) {
        return resolve({ failure: `the Nu checker failed (exit ${status}): ${text.trim().slice(-400)}` });
      }
      const errors = [];
      const warnings = [];
      for (const m of report.messages || []) {
        if (m.type === "error" || m.type === "non-document-error") errors.push(finding(root, m));
        else if (m.type === "info" && m.subType === "warning") warnings.push(finding(root, m));
      }
      resolve({ errors, warnings, version: report.version });
    });
  });
}

module.exports = { checkHtml, vnuJar };
