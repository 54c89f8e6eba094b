//! Syntax highlighting for fenced code, through syntect, loaded once and only when needed.
//!
//! Code is highlighted into CSS classes (`class="source rust"`), so the
//! colours live in one generated stylesheet (`highlight.css`) built from the
//! configured `highlight_theme`, and switching themes needs no re-render.

use std::sync::LazyLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The HTML of `code` highlighted as `language`, or `None` if syntect does not know the language.
pub fn highlight(code: &str, language: &str) -> Option<String> {
    let syntax = SYNTAXES.find_syntax_by_token(language)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// The names of the themes `highlight_theme` may name.
pub fn theme_names() -> Vec<String> {
    ThemeSet::load_defaults().themes.into_keys().collect()
}

/// The stylesheet for `theme`, or `None` if there is no such theme.
pub fn stylesheet(theme: &str) -> Option<String> {
    let themes = ThemeSet::load_defaults();
    let theme = themes.themes.get(theme)?;
    css_for_theme_with_class_style(theme, STYLE).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_languages_get_classes_and_unknown_ones_none() {
        let html = super::highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(super::highlight("x", "no-such-language").is_none());
        assert!(super::stylesheet("InspiredGitHub").unwrap().contains(".hl-"));
        assert!(super::stylesheet("nope").is_none());
    }
}
