//! Every note's ✎ follows its highlight: nothing of the text stands between
//! the end of an annotation's highlight and its toggle (only where the
//! highlight ends inside a link does the toggle, a link itself, wait for the
//! link's end). Walks every built article of the shipped dossier and of a
//! hard-wrapped fixture, whose highlights end mid-line and share lines.

mod common;

use std::collections::HashMap;

use common::Project;

/// For each note toggle of `html`: (annotation id, characters of text between its highlight's end and it).
/// `None` for the distance when no highlight of that annotation comes before it.
fn toggle_distances(html: &str) -> Vec<(String, Option<usize>)> {
    let mut out = Vec::new();
    // Characters of text written so far; where each annotation's last highlight piece ended.
    let mut written = 0usize;
    let mut ended: HashMap<String, usize> = HashMap::new();
    // Open elements: (tag name, annotation id of a mark); annotations whose mark closed inside a link.
    let mut open: Vec<(String, Option<String>)> = Vec::new();
    let mut in_link: Vec<Vec<String>> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        written += text_len(&rest[..lt]);
        let gt = lt + rest[lt..].find('>').expect("tags close");
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let attr =
            |key: &str| tag.split(&format!("{key}=\"")).nth(1).and_then(|v| v.split('"').next()).map(str::to_string);
        if tag.starts_with("a class=\"note-ref") {
            let id = attr("data-note").expect("a toggle names its note");
            out.push((id.clone(), ended.get(&id).map(|&at| written - at)));
            let close = rest.find("</a>").expect("the toggle closes");
            rest = &rest[close + 4..];
            continue;
        }
        if tag.starts_with('/') {
            let Some(at) = open.iter().rposition(|(n, _)| *n == name) else { continue };
            let (_, annotation) = open.remove(at);
            if let Some(id) = annotation {
                ended.insert(id.clone(), written);
                if let Some(links) = in_link.last_mut() {
                    links.push(id);
                }
            }
            if name == "a" {
                // A highlight that ended inside this link: its toggle may follow the link.
                for id in in_link.pop().unwrap_or_default() {
                    ended.insert(id, written);
                }
            }
            continue;
        }
        if tag.ends_with('/') || matches!(name.as_str(), "br" | "img" | "input" | "hr" | "meta" | "link") {
            continue;
        }
        let annotation = (name == "mark").then(|| attr("data-annotation")).flatten();
        if name == "a" {
            in_link.push(Vec::new());
        }
        open.push((name, annotation));
    }
    out
}

/// Characters of visible text (entities count as one).
fn text_len(text: &str) -> usize {
    let mut n = 0;
    let mut in_entity = false;
    for c in text.chars() {
        match c {
            '&' => in_entity = true,
            ';' if in_entity => {
                in_entity = false;
                n += 1;
            }
            _ if in_entity => {}
            _ => n += 1,
        }
    }
    n
}

/// Checks every article page of `project` (built); returns how many toggles were checked.
fn assert_toggles_follow_highlights(project: &Project) -> usize {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(project.path("public/articles")).unwrap().map(Result::unwrap) {
        let page = entry.path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else { continue };
        for (id, distance) in toggle_distances(&html) {
            checked += 1;
            if distance != Some(0) {
                wrong.push(format!("{}: ✎ of `{id}` is {distance:?} characters after its highlight", page.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {checked} toggles misplaced:\n{}", wrong.len(), wrong.join("\n"));
    checked
}

#[test]
fn every_toggle_of_the_shipped_dossier_follows_its_highlight() {
    let project = Project::shipped();
    project.build(&[]);
    let checked = assert_toggles_follow_highlights(&project);
    assert!(checked >= 100, "the shipped dossier has over a hundred notes, {checked} checked");
}

#[test]
fn every_toggle_of_a_hard_wrapped_article_follows_its_highlight() {
    let project = Project::fixture("hard-wrapped");
    project.build(&[]);
    assert_eq!(assert_toggles_follow_highlights(&project), 10);
    let html = project.read("public/articles/bridge/index.html");
    // The highlight that runs across a line break keeps its toggle on its own words.
    let at = html.find("data-note=\"voted\"").unwrap();
    assert!(
        html[..at].ends_with("Tuesday</mark><a class=\"note-ref anno-verification\" href=\"#note-voted\" "),
        "{html}"
    );
}

#[test]
fn a_source_name_cut_by_a_line_break_is_linked() {
    let project = Project::fixture("hard-wrapped");
    project.build(&[]);
    let html = project.read("public/articles/bridge/index.html");
    assert!(html.contains("href=\"../../sources/valley-gazette/\">Valley\nGazette</a>, whose name"), "{html}");
    let source = project.read("public/sources/valley-gazette/index.html");
    assert!(
        source.contains("The closure was first reported by the Valley Gazette, whose name this line breaks."),
        "{source}"
    );
}

#[test]
fn the_walk_sees_a_misplaced_toggle() {
    let html = "<p><mark data-annotation=\"a\">one</mark> two<a class=\"note-ref\" data-note=\"a\"></a></p>";
    assert_eq!(toggle_distances(html), [("a".to_string(), Some(4))]);
    let html =
        "<p><a href=\"x\"><mark data-annotation=\"a\">one</mark> two</a><a class=\"note-ref\" data-note=\"a\"></a></p>";
    assert_eq!(toggle_distances(html), [("a".to_string(), Some(0))]);
}
