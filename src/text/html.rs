//! Escaping for every place text from YAML or Markdown lands: HTML, XML, JSON in `<script>`.

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appending to `out`: the runs between the characters it replaces are copied
/// whole.
pub fn escape_into(out: &mut String, text: &str) {
    // The bytes that may need replacing; most text has none, and is skipped a byte per step.
    const ATTENTION: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
            b += 1;
        }
        table[b'&' as usize] = true;
        table[b'<' as usize] = true;
        table[b'>' as usize] = true;
        table[b'"' as usize] = true;
        table[b'\'' as usize] = true;
        table[0xEF] = true;
        table
    };
    let bytes = text.as_bytes();
    let (mut from, mut at) = (0, 0);
    while at < bytes.len() {
        if !ATTENTION[bytes[at] as usize] {
            at += 1;
            continue;
        }
        let replaced = match bytes[at] {
            b'&' => Some(("&amp;", 1)),
            b'<' => Some(("&lt;", 1)),
            b'>' => Some(("&gt;", 1)),
            b'"' => Some(("&quot;", 1)),
            b'\'' => Some(("&#39;", 1)),
            // Not allowed in XML 1.0 (a feed with one fails to parse), invisible in HTML:
            // C0 controls other than tab and line breaks, U+FFFE and U+FFFF.
            b'\t' | b'\n' | b'\r' => None,
            0..=0x1F => Some(("\u{FFFD}", 1)),
            0xEF if matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF])) => Some(("\u{FFFD}", 3)),
            _ => None,
        };
        match replaced {
            Some((with, len)) => {
                out.push_str(&text[from..at]);
                out.push_str(with);
                at += len;
                from = at;
            }
            None => at += 1,
        }
    }
    out.push_str(&text[from..]);
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

    /// Escaping runs of bytes gives what escaping character by character gave.
    #[test]
    fn escaping_runs_is_escaping_characters() {
        fn by_characters(text: &str) -> String {
            let forbidden = |c: char| {
                (c.is_control() && !matches!(c, '\t' | '\n' | '\r') && (c as u32) < 0x20)
                    || matches!(c, '\u{FFFE}' | '\u{FFFF}')
            };
            text.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c if forbidden(c) => "\u{FFFD}".to_string(),
                    c => c.to_string(),
                })
                .collect()
        }
        let alphabet = [
            "a",
            " ",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1F}",
            "\u{7F}",
            "\u{85}",
            "é",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{FFFD}",
            "\u{EFBF}",
            "\u{FBFF}",
            "\u{F0000}",
            "…",
        ];
        let mut seed = 0x5bd1_e995_u64;
        for _ in 0..2000 {
            let text: String = (0..seed % 13)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    alphabet[((seed >> 33) % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(super::escape(&text), by_characters(&text), "{text:?}");
        }
    }
}
