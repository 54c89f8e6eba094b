//! A figure as readers see it: stat card, SVG chart, image or table, with its caption.
//!
//! The same HTML is embedded in articles (`![](@fig-x)`) and shown on the
//! figure's own page, so a figure looks the same wherever it appears.

use std::fmt::Write as _;

use pulldown_cmark::{Options, Parser};

use crate::model::{Figure, FigureKind};
use crate::render::chart::{self, format_number};
use crate::resolve::xref::Index;
use crate::text::html::escape;

/// The `<figure id="fig-<id>">` element; `number` is the figure's number on this page.
pub fn embed(index: &Index, figure: &Figure, number: Option<usize>, link_title: bool) -> String {
    let meta = &figure.meta;
    let slug = &figure.slug();
    let mut html = format!("<figure id=\"fig-{slug}\" class=\"figure figure-{}\">", meta.kind.as_str());
    match meta.kind {
        FigureKind::Stat => {
            let value = meta.value.map(format_number).unwrap_or_default();
            let about = if meta.approximate { "<span class=\"stat-approx\">about</span> " } else { "" };
            let unit = meta
                .unit
                .as_deref()
                .map(|u| format!(" <span class=\"stat-unit\">{}</span>", escape(u)))
                .unwrap_or_default();
            let _ = write!(html, "<p class=\"stat\">{about}<span class=\"stat-value\">{value}</span>{unit}</p>");
        }
        FigureKind::Chart => {
            if let Some(c) = &meta.chart {
                html.push_str(&chart::svg(c, &meta.title, &format!("chart-{slug}")));
            }
        }
        FigureKind::Image => {
            if let Some(image) = &meta.image {
                let _ = write!(
                    html,
                    "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                    escape(&index.config.url(image)),
                    escape(meta.alt.as_deref().unwrap_or(""))
                );
            }
        }
        FigureKind::Table => {
            let mut table = String::new();
            pulldown_cmark::html::push_html(&mut table, Parser::new_ext(figure.body(), Options::ENABLE_TABLES));
            let _ = write!(html, "<div class=\"table-wrap\">{table}</div>");
        }
    }
    html.push_str("<figcaption>");
    if let Some(n) = number {
        let _ = write!(html, "<span class=\"fig-number\">Figure {n}.</span> ");
    }
    let title = escape(&meta.title);
    // The title is a sentence of the caption: it ends with a full stop before "Claimed by".
    let stop = if meta.title.trim_end().ends_with(['.', '!', '?']) { "" } else { "." };
    if link_title {
        let _ = write!(html, "<a href=\"{}\">{title}</a>{stop}", escape(&index.figure_url(slug)));
    } else {
        let _ = write!(html, "{title}{stop}");
    }
    let mut details = Vec::new();
    if let Some(claimant) = &meta.claimed_by {
        details.push(format!(
            "Claimed by <a href=\"{}\">{}</a>",
            escape(&index.source_url(claimant)),
            escape(&index.source_name(claimant))
        ));
    }
    if let Some(as_of) = meta.as_of {
        details.push(format!("as of {}", as_of.human()));
    }
    if !details.is_empty() {
        let _ = write!(html, " <span class=\"fig-claim\">{}.</span>", details.join(", "));
    }
    if let Some(credit) = &meta.credit {
        let _ = write!(html, " <span class=\"fig-credit\">{}</span>", escape(credit));
    }
    html.push_str("</figcaption></figure>");
    html
}
