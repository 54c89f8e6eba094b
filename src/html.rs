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
            c => out.push(c),
        }
    }
    out
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
    fn script_tags_in_text_stay_text() {
        assert_eq!(super::escape("<script>\"a\" & 'b'"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;");
        let json = super::json_for_script(&serde_json::json!({"headline": "</script><script>x"}));
        assert!(!json.contains("</script>") && json.contains("\\u003c/script\\u003e"));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["headline"], "</script><script>x");
    }
}
