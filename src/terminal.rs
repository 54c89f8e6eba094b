//! What a command shows on the terminal while a long build runs and once it is over:
//! a progress line (phases, then pages done of all) that appears only after about a second
//! and only on a terminal, and a summary of the warnings by kind when listing them would
//! take more than a screen.

use std::collections::HashMap;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::progress::Progress;
use crate::diagnostics::Diagnostic;

/// What the build does after each phase its `--verbose` timings name, shown as it starts.
const NEXT: [(&str, &str); 7] = [
    ("load", "checking references"),
    ("index", "rendering Markdown"),
    ("markdown", "gathering backlinks"),
    ("backlinks", "preparing search records"),
    ("search: records", "rendering pages"),
    ("templates", "adding feeds and exports"),
    ("exports", "writing the site"),
];

/// How long a build runs before its progress is shown: quick builds print nothing more.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress line on stderr: a spinner and the phase, with a bar while pages render.
pub(crate) struct ProgressLine {
    bar: ProgressBar,
}

impl ProgressLine {
    /// Starts the line, hidden; it appears after [`SHOW_AFTER`] if `show` and not finished.
    pub(crate) fn start(show: bool) -> ProgressLine {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(phase_style());
        bar.set_message("loading pages");
        if show {
            let later = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !later.is_finished() {
                    later.set_draw_target(ProgressDrawTarget::stderr());
                    later.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        ProgressLine { bar }
    }

    /// Says what is being done now (after the build proper: writing, indexing).
    pub(crate) fn message(&self, message: &'static str) {
        self.bar.set_style(phase_style());
        self.bar.set_message(message);
    }

    /// Runs `print` with the line cleared, so that its output is not drawn over.
    pub(crate) fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        self.bar.suspend(print)
    }

    /// Removes the line for good.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn phase_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for ProgressLine {
    fn done(&self, phase: &str) {
        if let Some((_, next)) = NEXT.iter().find(|(name, _)| *name == phase) {
            self.message(next);
        }
    }

    fn pages(&self, total: usize) {
        let style = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} pages ({elapsed})")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        self.bar.set_style(style);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
    }

    fn page(&self) {
        self.bar.inc(1);
    }
}

/// Lines of warnings listed in full at most; past this, they are summarised by kind.
pub(crate) const SCREEN_LINES: usize = 40;

/// Kinds listed in a summary, and examples of each.
const KINDS_SHOWN: usize = 8;
const EXAMPLES: usize = 2;

/// `warnings` as a summary that fits on a screen: a count per kind, most frequent first,
/// with the first examples of each, and where to see them all.
pub(crate) fn summary(warnings: &[&Diagnostic], color: bool) -> String {
    let mut kinds: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for d in warnings {
        let kind = kind_of(&d.message);
        let i = *slot.entry(kind.clone()).or_insert_with(|| {
            kinds.push((kind, Vec::new()));
            kinds.len() - 1
        });
        kinds[i].1.push(d);
    }
    kinds.sort_by_key(|(_, items)| std::cmp::Reverse(items.len()));
    let (paint, reset) = if color { ("\x1b[1;33m", "\x1b[0m") } else { ("", "") };
    let mut out = format!(
        "{paint}warning{reset}: {} warnings of {} kind(s), too many to list here (`dossier check` lists them all):\n",
        warnings.len(),
        kinds.len()
    );
    for (kind, items) in kinds.iter().take(KINDS_SHOWN) {
        out.push_str(&format!("  {:>6} × {kind}\n", items.len()));
        for d in items.iter().take(EXAMPLES) {
            let at = d.location.as_ref().map_or(String::new(), |l| format!(":{}", l.line));
            let message = crate::diagnostics::visible(&d.message);
            let cut: String = message.chars().take(100).collect();
            let more = if cut.len() < message.len() { "…" } else { "" };
            out.push_str(&format!(
                "           {}{at}: {cut}{more}\n",
                crate::diagnostics::visible(&d.file.to_string_lossy())
            ));
        }
    }
    if kinds.len() > KINDS_SHOWN {
        let rest: usize = kinds[KINDS_SHOWN..].iter().map(|(_, items)| items.len()).sum();
        out.push_str(&format!("  … and {rest} more of {} other kind(s)\n", kinds.len() - KINDS_SHOWN));
    }
    out
}

/// A warning's kind: its message with what it names (between backticks or double quotes)
/// left out, so that every shared name or uncited source counts as one kind.
pub(crate) fn kind_of(message: &str) -> String {
    let mut out = String::new();
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(q) if c == q => {
                out.push(q);
                open = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                out.push(c);
                out.push('…');
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{kind_of, summary};
    use crate::diagnostics::Diagnostic;

    #[test]
    fn names_in_quotes_or_backticks_do_not_make_kinds() {
        assert_eq!(
            kind_of("the name \"Zeller &\" of source `zeller` also names source `zeller-2`"),
            "the name \"…\" of source `…` also names source `…`"
        );
    }

    #[test]
    fn thousands_of_warnings_fit_on_a_screen() {
        let warnings: Vec<Diagnostic> = (0..5000)
            .map(|i| Diagnostic::warning(format!("content/sources/s{i}.md"), format!("source `s{i}` is never cited")))
            .chain((0..9).map(|k| Diagnostic::warning("f.md", format!("kind {k} \"x\""))))
            .collect();
        let all: Vec<&Diagnostic> = warnings.iter().collect();
        let text = summary(&all, false);
        assert!(text.lines().count() <= super::SCREEN_LINES, "{text}");
        assert!(text.contains("5009 warnings of 10 kind(s)"), "{text}");
        assert!(text.contains("  5000 × source `…` is never cited\n"), "{text}");
        assert!(text.contains("content/sources/s0.md: source `s0` is never cited"), "{text}");
        assert!(text.contains("`dossier check` lists them all"), "{text}");
        assert!(text.contains("… and 2 more of 2 other kind(s)"), "{text}");
    }
}
