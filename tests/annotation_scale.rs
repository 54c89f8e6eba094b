//! Heavily annotated articles (issue 27): 10,000 valid annotations on one long article build
//! (a fixed cap of 2,000 highlights refused them), in linear time; what would blow the output
//! up (annotations piled on the same words) is an error naming the file and the
//! annotation. `bench/annotations.sh` measures the release build.

mod common;

use std::time::Instant;

use common::Project;

/// A project whose one article has `n` paragraphs, each with a unique statement that one
/// annotation quotes (as `bench/gen-annotations.py` writes it).
fn transcript(n: usize, extra_annotations: &str) -> Project {
    let project = Project::fixture("basic");
    let mut text = String::from("---\ntitle: \"Transcript\"\ndate: 2024-01-01\nannotations:\n");
    for i in 0..n {
        let kind = ["context", "verification", "disputed"][i % 3];
        text.push_str(&format!(
            "  - id: n{i}\n    quote: \"statement number {i} was made\"\n    kind: {kind}\n    note: \"Note {i}.\"\n"
        ));
    }
    text.push_str(extra_annotations);
    text.push_str("---\n");
    for i in 0..n {
        text.push_str(&format!("Speaker {}: statement number {i} was made on the record.\n\n", i % 7));
    }
    project.write("content/articles/transcript.md", &text);
    project
}

#[test]
fn ten_thousand_annotations_on_one_article_build() {
    let project = transcript(10_000, "");
    let started = Instant::now();
    let out = project.run(&["build", "--quiet"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    eprintln!("10,000 annotations built in {} ms (debug build)", started.elapsed().as_millis());
    let page = project.read("public/articles/transcript/index.html");
    assert_eq!(page.matches(" id=\"anno-n").count(), 10_000, "every highlight is placed");
    assert!(page.contains("id=\"anno-n9999\""));
    let jsonld = project.read("public/annotations.jsonld");
    assert!(jsonld.contains("transcript/#anno-n9999"), "and exported");
}

#[test]
fn annotations_piled_on_the_same_words_are_an_error_naming_file_and_annotation() {
    let piled: String = (0..20)
        .map(|k| format!("  - id: pile{k}\n    quote: \"statement number 5 was made\"\n    kind: context\n"))
        .collect();
    let project = transcript(50, &piled);
    let out = project.run(&["build"]);
    let stderr = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // `n5` and `pile0`..`pile14` fit (16 deep); `pile15` goes over.
    assert!(
        stderr
            .contains("annotation `pile15`: quote \"statement number 5 was made\" would lie under 16 other highlights"),
        "{stderr}"
    );
    assert!(stderr.contains("content/articles/transcript.md:"), "names the file and line: {stderr}");
    assert!(stderr.contains("merge them into one annotation"), "{stderr}");
    assert!(!stderr.contains("`pile14`"), "the ones that fit are fine: {stderr}");
}
