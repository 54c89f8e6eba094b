//! Fuzzes front-matter YAML as every page type reads it: nesting, control characters, tags,
//! aliases, lone CRs, and the diagnostics printed for each problem.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dossier::fuzzing::front_matter(data);
});
