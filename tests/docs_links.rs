//! The way in stays open: the README is a newcomer's page (short, the two commands CI
//! runs first, links into `docs/`), and every relative link of the README, `docs/` and
//! `bench/README.md` leads to a file that exists and, with `#…`, to one of its headings.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.strip_prefix('#')).map(|h| slug(h.trim_start_matches('#'))).collect()
}

/// The targets of `[text](target)` links in `text`.
fn links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(i, _)| text[i + 2..].split_once(')').map(|(target, _)| target.to_string()))
        .collect()
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("bench/README.md")];
    for entry in fs::read_dir(root().join("docs")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            pages.push(entry.path());
        }
    }
    pages
}

#[test]
fn every_relative_link_of_the_docs_leads_somewhere() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        for target in links(&text) {
            // Web addresses, and dossier's own syntax shown in examples (`![](@fig-id)`).
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with('@')
                || target.contains(' ')
            {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            let Ok(linked) = fs::read_to_string(&file) else {
                if !file.exists() {
                    broken.push(format!("{}: {target}", page.display()));
                }
                continue;
            };
            if !anchor.is_empty() && !anchors(&linked).iter().any(|a| a == anchor) {
                broken.push(format!("{}: {target} (no such heading)", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_newcomers_page() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.lines().count() <= 150, "{} lines", readme.lines().count());
    // CI runs these two, as written here, first.
    let first_block = readme.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).unwrap_or("");
    assert!(first_block.starts_with("cargo run --release -- build "), "{first_block}");
    assert!(first_block.lines().nth(1).is_some_and(|l| l.starts_with("cargo test ")), "{first_block}");
    for step in ["dossier init", "dossier serve", "dossier build", "docs/guide.md", "docs/architecture.md"] {
        assert!(readme.contains(step), "the README names {step}");
    }
}
