//! Anchoring benchmark: 1,000 annotations on a 100,000-word article (and smaller sizes,
//! to show the cost grows linearly). Run with `cargo bench --bench anchoring`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dossier::annotate::anchor;
use dossier::model::{Annotation, AnnotationKind};
use dossier::text::TextMap;

const WORDS: [&str; 12] = [
    "soldiers",
    "defected",
    "from",
    "the",
    "army",
    "since",
    "February",
    "according",
    "to",
    "resistance",
    "figures",
    "Tatmadaw",
];

/// An article of `words` words in paragraphs of 100, with a unique marker word every 100 words.
fn article(words: usize) -> Vec<String> {
    (0..words / 100)
        .map(|p| {
            let mut paragraph: Vec<String> =
                (0..99).map(|i| WORDS[(p * 7 + i * 5) % WORDS.len()].to_string()).collect();
            paragraph.push(format!("marker{p}\u{2019}s"));
            paragraph.join(" ")
        })
        .collect()
}

fn annotations(count: usize, paragraphs: usize) -> Vec<Annotation> {
    (0..count)
        .map(|i| Annotation::new(&format!("marker{}'s", i * paragraphs / count), AnnotationKind::Context))
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    println!("{:>10} {:>12} {:>14} {:>12}", "words", "annotations", "median (ms)", "ns/word");
    for words in [10_000, 50_000, 100_000, 200_000] {
        let paragraphs = article(words);
        let notes = annotations(1_000.min(words / 100), words / 100);
        let samples: Vec<Duration> = (0..15)
            .map(|_| {
                let started = Instant::now();
                let mut text = TextMap::new();
                for p in &paragraphs {
                    text.boundary();
                    text.push_segment(p);
                }
                let (anchors, errors) = anchor(&text, &notes);
                assert!(errors.is_empty() && anchors.len() == notes.len());
                black_box(anchors);
                started.elapsed()
            })
            .collect();
        let m = median(samples);
        println!(
            "{words:>10} {:>12} {:>14.2} {:>12.1}",
            notes.len(),
            m.as_secs_f64() * 1e3,
            m.as_nanos() as f64 / words as f64
        );
    }
}
