//! Search results equal pristine Pagefind's on the same records.
//!
//! dossier writes its search index with a patched Pagefind (issue 24 lets it own the
//! pipeline), and readers must not see the difference. `tests/browser/search-vs-pagefind.cjs`
//! reads a built site's records back from its index, indexes the same records in the same
//! order with the published `pagefind` npm package, and compares the results of a set of
//! queries (single and two words, a phrase, a prefix, a `kind` filter, a diacritic, a stem
//! variant, a missing word) run by each index's own `pagefind.js` in Chromium: result
//! URLs and order, scores, excerpts, sub-results, filter counts. Run here on the shipped
//! dossier and on a generated one, and once on a site with a tampered record, to show the
//! comparison sees a difference.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};

use common::Project;

/// Runs the driver on `site` with extra `queries` (`TEXT` or `TEXT::KIND`).
fn compare(site: &Path, queries: &[&str]) -> Output {
    let dir = common::browser_scripts();
    assert!(
        dir.join("node_modules/pagefind/package.json").is_file(),
        "this test builds a pristine Pagefind index with the npm package: `npm install --prefix tests/browser`"
    );
    let mut command = Command::new("node");
    command.arg(dir.join("search-vs-pagefind.cjs")).arg(site);
    for query in queries {
        command.args(["--query", query]);
    }
    let out = command.output().expect("run node");
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    out
}

/// Asserts the driver ran every query and found no difference.
fn assert_same(out: &Output, at_least: usize) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "results differ from pristine Pagefind's:\n{stdout}\n{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    let queries: usize = summary.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(summary.ends_with("0 differences") && queries >= at_least, "{summary}");
    let nonempty = stdout.lines().filter(|l| l.starts_with("same ") && !l.ends_with(": 0 results")).count();
    assert!(nonempty * 2 > queries, "most queries find something, or the comparison proves little:\n{stdout}");
}

fn build(project: &Project, output: &str) {
    let out = project.run(&["build", "--quiet", "--output", output]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
#[ignore = "needs Chromium and tests/browser's npm packages (run with --include-ignored, as CI does)"]
fn the_shipped_dossier_searches_as_pristine_pagefind() {
    let project = Project::shipped();
    build(&project, "site");
    let queries = ["Tatmadaw", "défection", "defection", "soldiers defected", "\"military junta\"", "Tatmadaw::figure"];
    assert_same(&compare(&project.path("site"), &queries), 30);
}

#[test]
#[ignore = "needs Chromium and tests/browser's npm packages (run with --include-ignored, as CI does)"]
fn a_generated_dossier_searches_as_pristine_pagefind() {
    let dir = tempfile::tempdir().unwrap();
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen-dossier.py");
    let out = Command::new("python3")
        .arg(generator)
        .arg(dir.path())
        .args(["--articles", "40", "--sources", "400", "--figures", "150", "--words", "800"])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let project = Project { dir };
    let site = project.path("site");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--quiet", "--root"])
        .arg(project.path("dossier"))
        .arg("--output")
        .arg(&site)
        .output()
        .expect("run dossier");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let queries = ["defected", "defecting", "\"border village\"", "Person7", "junta::article"];
    assert_same(&compare(&site, &queries), 30);
}

#[test]
#[ignore = "needs Chromium and tests/browser's npm packages (run with --include-ignored, as CI does)"]
fn a_record_that_differs_from_its_index_is_reported() {
    let project = Project::shipped();
    build(&project, "site");
    // A record whose text no longer matches the words the index holds for it: the pristine
    // index, built from the record, must answer differently.
    let fragments = project.path("site/pagefind/fragment");
    let wanted = "sources/tatmadaw/";
    let tampered = fs::read_dir(&fragments).unwrap().map(|e| e.unwrap().path()).find_map(|path| {
        let mut json = String::new();
        flate2::read::GzDecoder::new(&fs::read(&path).unwrap()[..]).read_to_string(&mut json).unwrap();
        let mut record: serde_json::Value = serde_json::from_str(json.strip_prefix("pagefind_dcd")?).unwrap();
        (record["url"] == wanted).then(|| {
            let content = record["content"].as_str().unwrap().replace("Tatmadaw", "Qwertyuiop");
            record["content"] = content.into();
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(format!("pagefind_dcd{record}").as_bytes()).unwrap();
            fs::write(&path, gz.finish().unwrap()).unwrap();
        })
    });
    assert!(tampered.is_some(), "{wanted} is a record of the shipped dossier");
    let out = compare(&project.path("site"), &["Tatmadaw", "Qwertyuiop"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "a difference fails the comparison:\n{stdout}\n{}", common::stderr(&out));
    assert!(stdout.contains("DIFF \"Tatmadaw\""), "{stdout}");
    assert!(stdout.contains("DIFF \"Qwertyuiop\""), "{stdout}");
}
