//! Bad input, one case per error class: each is a clear diagnostic naming the
//! file and line, `build` and `check` exit 1 (2 for usage and I/O errors), and
//! the previous `public/` is left byte-for-byte as it was.

mod common;

use std::fs;
use std::process::Output;

use common::{Project, snapshot, stderr};

/// One way to break the `basic` fixture, and what the user must be told.
struct Case {
    what: &'static str,
    /// Files written over the fixture (path, contents).
    writes: &'static [(&'static str, &'static str)],
    /// `file:line` (or just the file) that stderr must point at.
    at: &'static str,
    /// Further text stderr must contain: the problem and the fix.
    says: &'static [&'static str],
}

const OUTLET: &str = "content/sources/outlet.md";
const REPORT: &str = "content/articles/report.md";
const RECEIVED: &str = "content/articles/report-as-received.md";

/// The as-received article with its annotation replaced by `annotation` (YAML lines).
macro_rules! received_with {
    ($annotation:literal) => {
        concat!(
            "---\ntitle: \"Report as received\"\narticle: report\nversion: as-received\ndate: 2021-12\nbased_on: outlet\nannotations:\n",
            $annotation,
            "---\nThe Lopes Foundation said 500 soldiers left. Maria Lopez agreed. Lopez left.\n"
        )
    };
}

const CONTENT_CASES: &[Case] = &[
    Case {
        what: "a tab in YAML",
        writes: &[(OUTLET, "---\ntitle: \"The Outlet\"\nkind: outlet\n\taliases: [x]\n---\n")],
        at: "content/sources/outlet.md:4:",
        says: &["tab", "use spaces"],
    },
    Case {
        what: "an unclosed quote",
        writes: &[(OUTLET, "---\ntitle: \"The Outlet\nkind: outlet\n---\nText.\n")],
        at: "content/sources/outlet.md:2:8",
        says: &["add the closing quote"],
    },
    Case {
        what: "front matter never closed",
        writes: &[(OUTLET, "---\ntitle: \"The Outlet\"\nkind: outlet\nA news outlet.\n")],
        at: "content/sources/outlet.md:1:",
        says: &["never closed", "add a line containing only `---`"],
    },
    Case {
        what: "a wrong type",
        writes: &[(
            "content/figures/strength.md",
            "---\ntitle: \"Troop strength\"\nkind: stat\nvalue: lots\nclaimed_by: outlet\n---\n",
        )],
        at: "content/figures/strength.md:4:8",
        says: &["invalid type", "write a number"],
    },
    Case {
        what: "an unknown field",
        writes: &[(OUTLET, "---\ntitle: \"The Outlet\"\nkind: outlet\nurll: \"https://x.example/\"\n---\n")],
        at: "content/sources/outlet.md:4:",
        says: &["unknown field `urll`", "did you mean `url`?"],
    },
    Case {
        what: "an unknown kind",
        writes: &[(OUTLET, "---\ntitle: \"The Outlet\"\nkind: outlett\n---\n")],
        at: "content/sources/outlet.md:3:7",
        says: &["unknown variant `outlett`", "did you mean `outlet`?"],
    },
    Case {
        what: "an impossible date",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\narticle: report\nversion: as-received\ndate: 2021-02-30\n---\nThe Lopes Foundation said so.\n",
        )],
        at: "content/articles/report-as-received.md:5:",
        says: &["`2021-02-30` is not a real calendar date", "2021-12-20"],
    },
    Case {
        what: "a duplicate id",
        writes: &[("content/figures/outlet.md", "---\ntitle: \"Outlet figure\"\nkind: stat\nvalue: 1\n---\n")],
        at: "content/sources/outlet.md",
        says: &["duplicate id `outlet`", "content/figures/outlet.md", "rename one file"],
    },
    Case {
        what: "an empty file",
        writes: &[(OUTLET, "")],
        at: "content/sources/outlet.md",
        says: &["file is empty", "`title:`"],
    },
    Case {
        what: "a file name that is not a slug",
        writes: &[("content/sources/Phil_Robertson.md", "---\ntitle: \"Phil Robertson\"\nkind: person\n---\n")],
        at: "content/sources/Phil_Robertson.md",
        says: &["not a valid page id", "sources/phil-robertson.md"],
    },
    Case {
        what: "an annotation id that is not a slug",
        writes: &[(
            RECEIVED,
            received_with!("  - id: Lopez Spelling\n    quote: \"Lopes Foundation\"\n    kind: correction\n"),
        )],
        at: "content/articles/report-as-received.md:8:",
        says: &["annotation id `Lopez Spelling` is not a lower-case slug"],
    },
    Case {
        what: "a citation of an unknown source",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nThe Lopes Foundation said so [@outlett].\n",
        )],
        at: "content/articles/report-as-received.md:6:",
        says: &["unknown source `outlett`", "did you mean `outlet`?"],
    },
    Case {
        what: "an unknown `claimed_by`",
        writes: &[(
            "content/figures/trend.md",
            "---\ntitle: \"Defections by month\"\nkind: stat\nvalue: 3\nclaimed_by: maria-lopes\n---\n",
        )],
        at: "content/figures/trend.md:5:13",
        says: &["`claimed_by`: unknown source `maria-lopes`", "did you mean `maria-lopez`?"],
    },
    Case {
        what: "an unknown `affiliation`",
        writes: &[(
            "content/sources/maria-lopez.md",
            "---\ntitle: \"Maria Lopez\"\nkind: person\naliases: [\"Lopez\"]\naffiliation: lopez-fundation\n---\n",
        )],
        at: "content/sources/maria-lopez.md:5:14",
        says: &["unknown source `lopez-fundation`", "did you mean `lopez-foundation`?"],
    },
    Case {
        what: "an unknown source in `cites`",
        writes: &[(
            RECEIVED,
            received_with!("  - quote: \"Lopes Foundation\"\n    kind: correction\n    cites: [outlet, nobody]\n"),
        )],
        at: "content/articles/report-as-received.md:10:",
        says: &["`cites`: unknown source `nobody`", "dossier new source nobody"],
    },
    Case {
        what: "an unknown `based_on`",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\nbased_on: the-outlet\n---\nThe Lopes Foundation said so.\n",
        )],
        at: "content/articles/report-as-received.md:5:",
        says: &["`based_on`: unknown source `the-outlet`", "did you mean `outlet`?"],
    },
    Case {
        what: "a wikilink to an unknown page",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nSee\n[[sources/maria-lopes]].\n",
        )],
        at: "content/articles/report-as-received.md:7:",
        says: &["unknown page `sources/maria-lopes`", "did you mean `sources/maria-lopez`?"],
    },
    Case {
        what: "a reference to an unknown figure",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nAs @fig-strenght shows.\n",
        )],
        at: "content/articles/report-as-received.md:6:4",
        says: &["unknown figure `fig-strenght`", "did you mean `fig-strength`?"],
    },
    Case {
        what: "an embed of an unknown figure",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nText.\n\n![](@fig-nope)\n",
        )],
        at: "content/articles/report-as-received.md:8:",
        says: &["unknown figure `fig-nope`", "dossier new figure nope"],
    },
    Case {
        what: "an image that does not exist",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nText.\n\n![a map](static/mapp.svg)\n",
        )],
        at: "content/articles/report-as-received.md:8:",
        says: &["image `static/mapp.svg` not found", "did you mean `static/map.svg`?"],
    },
    Case {
        what: "an image path that leaves the project",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nText.\n\n![secrets](../../../etc/passwd)\n",
        )],
        at: "content/articles/report-as-received.md:8:",
        says: &["leaves `content/static/`"],
    },
    Case {
        what: "a remote image",
        writes: &[(
            RECEIVED,
            "---\ntitle: \"Report as received\"\nversion: as-received\narticle: report\n---\nText.\n\n![a map](https://maps.example/border.png)\n",
        )],
        at: "content/articles/report-as-received.md:8:1",
        says: &["remote image `https://maps.example/border.png` refused", "save it as `content/static/<file>`"],
    },
    Case {
        what: "a figure image that leaves the project",
        writes: &[(
            "content/figures/map.md",
            "---\ntitle: \"Map\"\nkind: image\nimage: static/../../dossier.yaml\nalt: \"A map\"\n---\n",
        )],
        at: "content/figures/map.md:4:",
        says: &["leaves `content/static/`"],
    },
    Case {
        what: "a quote that is not in the text",
        writes: &[(
            RECEIVED,
            received_with!("  - id: spelling\n    quote: \"Lopes Fundation\"\n    kind: correction\n"),
        )],
        at: "content/articles/report-as-received.md:9:",
        says: &[
            "annotation `spelling`",
            "is not in the article's text",
            "nearest text in the article",
            "[Lopes Foundatio]n said",
        ],
    },
    Case {
        what: "a quote that matches twice",
        writes: &[(RECEIVED, received_with!("  - id: lopez\n    quote: \"Lopez\"\n    kind: context\n"))],
        at: "content/articles/report-as-received.md:9:",
        says: &["matches 2 places", "occurrence: N"],
    },
    Case {
        what: "a template syntax error",
        writes: &[(
            "templates/404.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ title </p>\n{% endblock content %}\n",
        )],
        at: "templates/404.html:3:",
        says: &["template syntax error in `404.html`"],
    },
    Case {
        what: "a template error inside an include",
        writes: &[
            (
                "templates/404.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{% include \"missing-part.html\" %}\n{% endblock content %}\n",
            ),
            ("templates/missing-part.html", "<p>\n{{ site.titel }}\n</p>\n"),
        ],
        at: "templates/missing-part.html:2:",
        says: &["`titel` is not defined", "while rendering `404.html`, which includes `missing-part.html`"],
    },
    Case {
        what: "an include of a template that does not exist",
        writes: &[(
            "templates/404.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% include \"partal.html\" %}\n{% endblock content %}\n",
        )],
        at: "templates/404.html:3:",
        says: &["Unknown template `partal.html`"],
    },
    Case {
        what: "an unknown key in dossier.yaml",
        writes: &[(
            "dossier.yaml",
            "title: \"Fixture dossier\"\nbase_url: \"https://example.org/sub/\"\nautolinks: first\n",
        )],
        at: "dossier.yaml:3:",
        says: &["unknown field `autolinks`", "did you mean `autolink`?"],
    },
];

/// Builds the fixture, breaks it, and checks what `build` and `check` say and leave.
fn assert_reported(case: &Case, code: i32, apply: impl Fn(&Project)) {
    let project = Project::fixture("basic");
    project.build(&[]);
    let before = snapshot(&project.path("public"));
    apply(&project);
    for command in ["build", "check"] {
        let out = project.run(&[command]);
        let err = stderr(&out);
        let context = format!("{} (`{command}`):\n{err}", case.what);
        assert_eq!(out.status.code(), Some(code), "{context}");
        assert!(err.contains(&format!("--> {}", case.at)), "{context}");
        for part in case.says {
            assert!(err.contains(part), "missing {part:?}: {context}");
        }
        assert!(!err.contains("panicked"), "{context}");
        assert_eq!(snapshot(&project.path("public")), before, "{context}");
    }
}

fn write_all(project: &Project, writes: &[(&str, &str)]) {
    for (path, text) in writes {
        project.write(path, text);
    }
}

#[test]
fn each_content_and_template_error_names_file_line_and_fix() {
    for case in CONTENT_CASES {
        assert_reported(case, 1, |p| write_all(p, case.writes));
    }
}

#[test]
fn invalid_utf8_points_at_the_line_of_the_bad_byte() {
    let case = Case {
        what: "invalid UTF-8",
        writes: &[],
        at: "content/sources/outlet.md:3:",
        says: &["not valid UTF-8", "save the file as UTF-8"],
    };
    assert_reported(&case, 1, |p| {
        fs::write(p.path(OUTLET), b"---\ntitle: Outlet\nkind: \xffoutlet\n---\n").unwrap();
    });
}

#[test]
fn a_missing_or_misspelt_config_is_a_usage_error() {
    let misspelt = Case {
        what: "dossier.yml instead of dossier.yaml",
        writes: &[],
        at: "dossier.yaml",
        says: &["found `dossier.yml`; rename it to `dossier.yaml`"],
    };
    assert_reported(&misspelt, 2, |p| {
        fs::rename(p.path("dossier.yaml"), p.path("dossier.yml")).unwrap();
    });
    let missing = Case {
        what: "no dossier.yaml",
        writes: &[],
        at: "dossier.yaml",
        says: &["cannot read the site configuration", "--root DIR"],
    };
    assert_reported(&missing, 2, |p| fs::remove_file(p.path("dossier.yaml")).unwrap());
}

#[test]
fn check_reports_every_problem_not_only_the_first() {
    let project = Project::fixture("basic");
    write_all(
        &project,
        &[
            (OUTLET, "---\ntitle: \"The Outlet\"\nkind: outlet\n\taliases: [x]\n---\n"),
            ("content/figures/trend.md", "---\ntitle: T\nkind: stat\nvalue: 1\nclaimed_by: nobody\n---\n"),
            (RECEIVED, "---\ntitle: R\nversion: as-received\narticle: report\n---\nSee @fig-nope.\n"),
        ],
    );
    let out = project.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for spot in [
        "--> content/sources/outlet.md:4:",
        "--> content/figures/trend.md:5:",
        "--> content/articles/report-as-received.md:6:",
    ] {
        assert!(err.contains(spot), "missing {spot}:\n{err}");
    }
    assert!(err.contains("check: 3 error(s)"), "{err}");
    // The broken source is not reported again at every place that cites it.
    assert!(!err.contains("unknown source `outlet`"), "{err}");
    assert!(!project.path("public").exists(), "check writes nothing");
}

/// Colour codes only on a terminal: the tests' stderr is a pipe.
#[test]
fn diagnostics_are_plain_text_off_a_terminal() {
    let project = Project::fixture("basic");
    project.write(OUTLET, "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["check", "--root"])
        .arg(project.root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("error: file is empty"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

fn run_ok(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    err
}

#[test]
fn warnings_are_kept_apart_from_errors_and_fail_only_with_deny_warnings() {
    let project = Project::fixture("basic");
    write_all(
        &project,
        &[
            ("content/sources/unused.md", "---\ntitle: \"Unused Agency\"\nkind: organization\n---\n"),
            ("content/sources/namesake.md", "---\ntitle: \"Namesake\"\nkind: person\naliases: [\"Lopez\"]\n---\n"),
        ],
    );
    let err = run_ok(&project.run(&["check"]));
    for (spot, says) in [
        ("content/sources/unused.md:2:", "source `unused` is never cited"),
        ("content/figures/strength.md:8:", "figure `strength` rests on a single source, `outlet`"),
        ("content/sources/namesake.md:4:", "the name \"Lopez\" of source `namesake` also names source `maria-lopez`"),
    ] {
        assert!(err.contains(&format!("--> {spot}")), "missing {spot}:\n{err}");
        assert!(err.contains(says), "missing {says}:\n{err}");
    }
    assert!(err.contains("check: 0 error(s), 7 warning(s)"), "{err}");
    assert!(!err.contains("error:"), "{err}");
    let denied = project.run(&["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    // Warnings never stop a build.
    project.build(&[]);
}

#[test]
fn the_shipped_dossier_checks_clean_but_for_its_single_source_figures() {
    let project = Project::shipped();
    let err = run_ok(&project.run(&["check"]));
    assert!(err.contains("check: 0 error(s), 2 warning(s)"), "{err}");
    // Two stats rest on France 24 alone: real, and left for the editor.
    for figure in ["months-in-hiding", "troop-strength"] {
        assert!(err.contains(&format!("figure `{figure}` rests on a single source, `france24`")), "{err}");
    }
}

/// Seconds `dossier check` takes on the fixture plus an article of about `bytes` bytes.
fn check_seconds(bytes: usize) -> f64 {
    let paragraph = "The army that *currently* rules said Lopez spoke [@outlet] and Maria Lopez agreed, \
        see @fig-strength and [[sources/outlet|the outlet]]; the Lopez Foundation answered with `code`.[^n]\n\n";
    let project = Project::fixture("basic");
    let mut text = String::from("---\ntitle: Big\narticle: big\n---\n");
    text.push_str(&paragraph.repeat(bytes / paragraph.len()));
    text.push_str("[^n]: A footnote cited in every paragraph.\n");
    project.write("content/articles/big.md", &text);
    let started = std::time::Instant::now();
    run_ok(&project.run(&["check"]));
    started.elapsed().as_secs_f64()
}

#[test]
fn a_20_mb_article_is_checked_in_linear_time() {
    let small = check_seconds(2_000_000);
    let large = check_seconds(20_000_000);
    // Ten times the text: linear is ~10x (less, with start-up); quadratic would be ~100x.
    assert!(large < small * 30.0, "2 MB took {small:.1}s, 20 MB took {large:.1}s");
}

#[test]
fn deep_nesting_neither_overflows_the_stack_nor_stalls() {
    let depth = 20_000;
    let mut footnotes: String = (0..depth / 4).map(|i| format!("[^f{i}]: note [^f{}]\n", i + 1)).collect();
    footnotes.push_str(&format!("[^f{}]: the last note\n", depth / 4));
    let body = format!(
        "{}deep quote\n\n{}deep list\n\n{}emphasis{}\n\n{}link{}\n\nStart[^f0].\n\n{footnotes}\n{}",
        "> ".repeat(depth),
        "- ".repeat(depth),
        "*".repeat(depth),
        "*".repeat(depth),
        "[".repeat(depth),
        "](x)".repeat(depth),
        "# Same heading\n\n".repeat(depth),
    );
    let project = Project::fixture("basic");
    project.write("content/articles/deep.md", &format!("---\ntitle: Deep\narticle: deep\n---\n{body}"));
    let started = std::time::Instant::now();
    let err = run_ok(&project.run(&["build"]));
    assert!(!err.contains("overflow"), "{err}");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    let page = project.read("public/articles/deep/index.html");
    assert!(page.contains("id=\"same-heading-20000\""), "headings keep unique ids");
    assert!(page.contains("id=\"fn-f4999\""), "every chained footnote is written");
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_content_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;
    let project = Project::fixture("basic");
    symlink(project.path("content"), project.path("content/sources/loop")).unwrap();
    symlink("self.md", project.path("content/sources/self.md")).unwrap();
    let err = run_ok(&project.run(&["build"]));
    for link in ["content/sources/loop", "content/sources/self.md"] {
        assert!(err.contains(&format!("--> {link}")), "{link}:\n{err}");
    }
    assert!(err.contains("symbolic link skipped"), "{err}");
}

#[test]
fn build_refuses_output_folders_that_are_not_its_own() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let before = snapshot(project.root());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().display().to_string();
    for (output, why) in [
        (".", "the project folder or one of its ancestors"),
        ("..", "the project folder or one of its ancestors"),
        ("content", "inside the project's `content/` folder"),
        ("content/static", "inside the project's `content/` folder"),
        ("themes", "inside the project's `themes/` folder"),
        ("templates", "inside the project's `templates/` folder"),
        (home_path.as_str(), "the home folder"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["build", "--output", output, "--root"])
            .arg(project.root())
            .env("HOME", home.path())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{output}: {err}");
        assert!(err.contains("refusing to write to"), "{output}: {err}");
        assert!(err.contains(why), "{output}: {err}");
    }
    assert_eq!(snapshot(project.root()), before, "nothing was touched");
}

#[test]
fn a_non_empty_folder_dossier_did_not_create_needs_force() {
    let project = Project::fixture("basic");
    project.write("site/notes.txt", "mine");
    project.write("beside.txt", "next to the output");
    let out = project.run(&["build", "--output", "site"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("non-empty folder that dossier did not create"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(project.read("site/notes.txt"), "mine");
    run_ok(&project.run(&["build", "--output", "site", "--force"]));
    assert!(project.path("site/index.html").is_file());
    assert!(project.path("site/.dossier-output").is_file(), "marked as dossier's own");
    assert!(!project.path("site/notes.txt").exists(), "--force replaces the folder");
    assert_eq!(project.read("beside.txt"), "next to the output");
    // Marked now: later builds need no --force.
    run_ok(&project.run(&["build", "--output", "site"]));
}

/// A title that would run script if any page, feed or JSON-LD let it through as markup.
const HOSTILE: &str = "Bad </script><script>alert(1)</script> & \"Co\" 'x'";

#[test]
fn script_in_titles_stays_text_in_html_attributes_feeds_sitemap_and_json_ld() {
    let project = Project::fixture("basic");
    let yaml = HOSTILE.replace('"', "\\\"");
    project.write(
        "dossier.yaml",
        &format!("title: \"{yaml}\"\ndescription: \"{yaml}\"\nbase_url: \"https://example.org/sub/\"\n"),
    );
    project.write(OUTLET, &format!("---\ntitle: \"{yaml}\"\nkind: outlet\naliases: [\"{yaml}\"]\n---\n"));
    project.write(
        "content/figures/strength.md",
        &format!("---\ntitle: \"{yaml}\"\nkind: stat\nvalue: 1\nunit: \"{yaml}\"\nclaimed_by: outlet\n---\n"),
    );
    let report = project.read(REPORT).replacen("title: \"The report\"", &format!("title: \"{yaml}\""), 1);
    let report = report.replacen("summary: \"An edited report.\"", &format!("summary: \"{yaml}\""), 1);
    let report = report.replacen("label: \"The coup\"", &format!("label: \"{yaml}\""), 1);
    project.write(REPORT, &report);
    project.build(&[]);
    let mut headlines = 0;
    for (path, bytes) in snapshot(&project.path("public")) {
        let text = String::from_utf8_lossy(&bytes);
        let shown = path.display();
        assert!(!text.contains("<script>alert(1)"), "{shown} lets the script through");
        if path.extension().is_some_and(|e| e == "html") {
            let page = scraper::Html::parse_document(&text);
            for script in common::select(&page, "script") {
                assert!(!common::text(&script).contains("alert(1)</script>"), "{shown}");
                if script.value().attr("type") == Some("application/ld+json") {
                    let json: serde_json::Value = serde_json::from_str(&common::text(&script))
                        .unwrap_or_else(|e| panic!("{shown}: JSON-LD does not parse: {e}"));
                    if path.ends_with("articles/report/index.html") {
                        assert_eq!(json["headline"], HOSTILE, "{shown}");
                        headlines += 1;
                    }
                }
            }
        }
    }
    assert_eq!(headlines, 1, "the article's JSON-LD was read");
    let article = project.page("articles/report/index.html");
    let title = common::select(&article, "title");
    assert!(common::text(&title[0]).contains(HOSTILE), "the title reads as written");
    let source = project.page("sources/outlet/index.html");
    assert!(common::text(&common::select(&source, "h1")[0]).contains(HOSTILE));
    for feed in ["atom.xml", "sitemap.xml"] {
        let xml = project.read(&format!("public/{feed}"));
        assert!(!xml.contains("<script"), "{feed}");
    }
    assert!(project.read("public/atom.xml").contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The JSON files carry the text exactly, and `<` only as `\u003c`.
    // The search index's records (gzipped JSON fragments) carry the title exactly;
    // search.js shows it as text.
    let titles: Vec<String> = common::search_fragments(&project.path("public"))
        .iter()
        .filter_map(|f| f["meta"]["title"].as_str().map(str::to_string))
        .collect();
    assert!(titles.iter().any(|t| t == HOSTILE), "{titles:?}");
    let annotations = project.read("public/annotations.jsonld");
    serde_json::from_str::<serde_json::Value>(&annotations).expect("valid JSON-LD");
}

#[test]
fn a_duplicate_id_is_reported_once_without_unknown_source_errors_for_the_page_left_out() {
    let project = Project::fixture("basic");
    // `maria-lopez` is a source that the article, a figure and another source refer to.
    project.write("content/articles/maria-lopez.md", "---\ntitle: \"Same id\"\n---\nText.\n");
    let out = project.run(&["build"]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("duplicate id `maria-lopez`"), "{stderr}");
    assert!(!stderr.contains("unknown"), "no cascade of unknown references: {stderr}");
    assert!(stderr.contains("build failed with 1 error(s)"), "{stderr}");
}
