//! Relative links, so one build works at a domain root, under any sub-path
//! and opened from disk (`file://`).
//!
//! Pages are rendered with site-absolute URLs (`/sub/sources/x/`, from
//! `base_url`'s path), which is what templates and Markdown find easiest to
//! write. As the last step of rendering a page, every attribute value that
//! starts with the base path is rewritten relative to the page's own folder
//! (`../../sources/x/`), as Hugo's `relativeURLs` does. Absolute URLs
//! (canonical links, the feed, the sitemap, JSON-LD) are left alone: they
//! come from `base_url` and must stay absolute. `404.html` is served by
//! hosts at whatever depth the missing page was, so no relative link can
//! work there: its links are absolute from `base_url` ([`absolute_links`])
//! and its stylesheet is inlined, so it shows correctly wherever it is served.

/// Rewrites `html`'s site-absolute links relative to `page`, its output path
/// (`articles/x/index.html`). `base_path` starts and ends with `/`.
pub fn relative_links(html: &str, page: &str, base_path: &str) -> String {
    let folder = match page.rfind('/') {
        Some(at) => &page[..=at],
        None => "",
    };
    let from: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    rewrite_links(html, base_path, |target, out| relative_to(folder, &from, target, out))
}

/// Rewrites `html`'s site-absolute links to absolute URLs under `base_url`:
/// for `404.html`, which hosts serve at whatever depth the missing page was.
pub fn absolute_links(html: &str, base_path: &str, base_url: &str) -> String {
    rewrite_links(html, base_path, |target, out| {
        out.push_str(base_url);
        out.push_str(target);
    })
}

/// Replaces every double-quoted attribute value that starts with `base_path`
/// by what `to` writes for the rest of the value.
fn rewrite_links(html: &str, base_path: &str, mut to: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 32);
    let mut rest = html;
    // Attribute values in our output are always double-quoted.
    let opener = format!("=\"{base_path}");
    let finder = memchr::memmem::Finder::new(opener.as_bytes());
    while let Some(at) = finder.find(rest.as_bytes()) {
        let value_start = at + 2;
        out.push_str(&rest[..value_start]);
        let after_base = &rest[value_start + base_path.len()..];
        // `//host/…` is protocol-relative, not ours: leave it.
        if after_base.starts_with('/') {
            out.push_str(base_path);
            rest = after_base;
            continue;
        }
        let end = memchr::memchr(b'"', after_base.as_bytes()).unwrap_or(after_base.len());
        to(&after_base[..end], &mut out);
        rest = &after_base[end..];
    }
    out.push_str(rest);
    out
}

/// Writes `target` (site-relative, e.g. `sources/x/#cite-2`) as seen from `folder`
/// (site-relative, ending in `/` or empty for the root; `from` is its parts) to `out`.
fn relative_to(folder: &str, from: &[&str], target: &str, out: &mut String) {
    let split = target.find(['#', '?']).unwrap_or(target.len());
    let (path, suffix) = target.split_at(split);
    // A link to the page's own folder: just the fragment, or `./`.
    if path == folder {
        if !suffix.starts_with('#') {
            out.push_str("./");
        }
        out.push_str(suffix);
        return;
    }
    let common = from.iter().zip(path.split('/')).take_while(|(a, b)| *a == b).count();
    let before = out.len();
    for _ in common..from.len() {
        out.push_str("../");
    }
    for (i, part) in path.split('/').skip(common).enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(part);
    }
    if out.len() == before {
        out.push_str("./");
    }
    out.push_str(suffix);
}

#[cfg(test)]
mod tests {
    use super::relative_links;

    #[test]
    fn site_absolute_links_become_relative_to_the_page() {
        let cases = [
            // (page, html, expected)
            ("index.html", r#"<a href="/sub/">home</a>"#, r#"<a href="./">home</a>"#),
            ("index.html", r#"<a href="/sub/sources/x/">x</a>"#, r#"<a href="sources/x/">x</a>"#),
            ("index.html", r#"<link href="/sub/style.css">"#, r#"<link href="style.css">"#),
            ("sources/x/index.html", r#"<a href="/sub/">home</a>"#, r#"<a href="../../">home</a>"#),
            ("sources/x/index.html", r#"<a href="/sub/sources/y/">y</a>"#, r#"<a href="../y/">y</a>"#),
            ("sources/x/index.html", r#"<a href="/sub/sources/">all</a>"#, r#"<a href="../">all</a>"#),
            ("sources/x/index.html", r#"<a href="/sub/sources/x/#cite-2">2</a>"#, r##"<a href="#cite-2">2</a>"##),
            ("sources/x/index.html", r#"<a href="/sub/sources/x/">me</a>"#, r#"<a href="./">me</a>"#),
            ("sources/x/index.html", r#"<img src="/sub/static/a b.png">"#, r#"<img src="../../static/a b.png">"#),
            ("search/index.html", r#"<form action="/sub/search/?q=1">"#, r#"<form action="./?q=1">"#),
            ("articles/a/changes/index.html", r#"<a href="/sub/articles/a/">a</a>"#, r#"<a href="../">a</a>"#),
            // Absolute and foreign URLs, and text, are left alone.
            ("x/index.html", r#"<a href="https://e.org/sub/x/">e</a>"#, r#"<a href="https://e.org/sub/x/">e</a>"#),
            ("x/index.html", r#"<a href="/other/">o</a>"#, r#"<a href="/other/">o</a>"#),
            ("x/index.html", r#"<p>see /sub/x/</p>"#, r#"<p>see /sub/x/</p>"#),
        ];
        for (page, html, expected) in cases {
            assert_eq!(relative_links(html, page, "/sub/"), expected, "{page}: {html}");
        }
    }

    #[test]
    fn the_missing_page_links_to_the_published_site() {
        let html = r#"<a href="/sub/">home</a> <a href="/sub/search/">s</a>"#;
        assert_eq!(
            super::absolute_links(html, "/sub/", "https://e.org/sub/"),
            r#"<a href="https://e.org/sub/">home</a> <a href="https://e.org/sub/search/">s</a>"#
        );
    }

    #[test]
    fn a_root_base_path_leaves_protocol_relative_urls_alone() {
        let html = r#"<a href="/sources/x/">x</a><img src="//cdn.example/a.png">"#;
        assert_eq!(
            relative_links(html, "figures/f/index.html", "/"),
            r#"<a href="../../sources/x/">x</a><img src="//cdn.example/a.png">"#
        );
    }
}
