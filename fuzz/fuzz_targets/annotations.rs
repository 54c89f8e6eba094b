//! Fuzzes quote anchoring with overlapping, nested and `occurrence: all` annotations and
//! hostile notes: the page must stay in proportion and notes must never carry script.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dossier::fuzzing::annotations(data);
});
