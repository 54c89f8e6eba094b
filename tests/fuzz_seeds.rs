//! The fuzzer's seed corpus as a regression test: every seed (including inputs
//! that once crashed) goes through front matter, rendering and anchoring in
//! plain `cargo test`, without cargo-fuzz.

use std::fs;
use std::path::Path;

#[test]
fn every_fuzz_seed_renders_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/article");
    let mut seeds = 0;
    for entry in fs::read_dir(&dir).expect("fuzz/corpus/article") {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-")) {
            dossier::fuzzing::article(&fs::read(&path).unwrap());
            seeds += 1;
        }
    }
    assert!(seeds >= 10, "only {seeds} seeds found in {}", dir.display());
}
