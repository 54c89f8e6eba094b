//! Escaping for every place text from YAML or Markdown lands: HTML, XML, JSON in `<script>`.

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Not allowed in XML 1.0 (a feed with one fails to parse), invisible in HTML.
            c if is_forbidden_in_xml(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters XML 1.0 forbids: C0 controls other than tab and line breaks, U+FFFE and U+FFFF.
fn is_forbidden_in_xml(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r') && (c as u32) < 0x20) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Is `url` one dossier may put in a generated link: http(s), mailto, or relative?
/// (`javascript:`, `data:`, `vbscript:` and other schemes run code or hide content.)
/// Control characters and spaces are refused anywhere, since browsers drop them
/// inside a scheme (`java\tscript:`).
pub fn is_safe_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    // A scheme, as browsers parse one: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
    // Anything else before a `:` (`javascri%7Bpt:`) makes the URL a relative path.
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') && is_scheme(&url[..i]) => {
            matches!(url[..i].to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
        _ => true, // relative: no scheme before the first `/`, `?` or `#`
    }
}

fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// JSON that is safe inside `<script type="application/ld+json">`: no `</script>`, no `<!--`.
pub fn json_for_script(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_http_mailto_and_relative_urls_are_safe() {
        for ok in [
            "https://x.example/",
            "HTTP://x",
            "mailto:a@b",
            "/a/b",
            "a/b:c",
            "#top",
            "?q=a:b",
            "x.pdf",
            "javascri%7bpt:x",
        ] {
            assert!(super::is_safe_url(ok), "{ok}");
        }
        for bad in
            ["javascript:alert(1)", "JavaScript:x", "java\tscript:x", " javascript:x", "data:text/html,x", "vbscript:x"]
        {
            assert!(!super::is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn script_tags_in_text_stay_text() {
        assert_eq!(super::escape("<script>\"a\" & 'b'"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;");
        let json = super::json_for_script(&serde_json::json!({"headline": "</script><script>x"}));
        assert!(!json.contains("</script>") && json.contains("\\u003c/script\\u003e"));
        assert_eq!(super::escape("a\u{1}b\u{1b}[31m\tc"), "a\u{FFFD}b\u{FFFD}[31m\tc");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["headline"], "</script><script>x");
    }
}
