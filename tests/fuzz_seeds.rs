//! The fuzzer's seed corpus as a regression test: every seed (including inputs
//! that once crashed) goes through front matter, rendering and anchoring in
//! plain `cargo test`, without cargo-fuzz.

use std::fs;
use std::path::Path;

/// Runs every `seed-*` file of `fuzz/corpus/<target>` through `run`; returns how many.
fn run_seeds(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut seeds = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-")) {
            run(&fs::read(&path).unwrap());
            seeds += 1;
        }
    }
    seeds
}

#[test]
fn every_fuzz_seed_renders_without_panicking() {
    assert!(run_seeds("article", dossier::fuzzing::article) >= 10);
}

#[test]
fn every_front_matter_seed_parses_or_fails_cleanly() {
    assert!(run_seeds("front_matter", dossier::fuzzing::front_matter) >= 10);
}

#[test]
fn every_annotation_seed_stays_in_proportion_and_script_free() {
    assert!(run_seeds("annotations", dossier::fuzzing::annotations) >= 4);
}
