//! Fuzzes what every article goes through: front matter, Markdown rendering, quote anchoring.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dossier::fuzzing::article(data);
});
