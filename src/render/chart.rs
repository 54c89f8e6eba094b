//! Build-time charts: a figure's `chart.series` as inline, accessible SVG.
//!
//! No JavaScript and nothing fetched: the SVG carries a `<title>` and a
//! `<desc>` listing every value, so screen readers and text browsers get
//! the numbers, and colours come from the theme's CSS (light and dark).

use std::fmt::Write as _;

use crate::model::{Chart, ChartType};
use crate::text::html::escape;

/// `350000` → `350,000`; `2.5` → `2.5`.
pub fn format_number(value: f64) -> String {
    if value.fract() != 0.0 {
        return format!("{value}");
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

/// Drawn for a phone's width: at 390 px the 14-unit labels render at about 13 px
/// (the theme caps the chart's width on wide screens so they stay near body size).
const WIDTH: f64 = 360.0;
/// Height of one bar with its label.
const ROW: f64 = 56.0;

/// The chart as an `<svg>` element; `id` makes its title/desc ids unique on the page.
pub fn svg(chart: &Chart, title: &str, id: &str) -> String {
    let unit = chart.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    let desc: Vec<String> =
        chart.series.iter().map(|p| format!("{}: {}{unit}", p.label, format_number(p.value))).collect();
    let body = match chart.chart_type {
        ChartType::Bar => bars(chart, &unit),
        ChartType::Line => line(chart),
    };
    let height = match chart.chart_type {
        ChartType::Bar => 16.0 + chart.series.len() as f64 * ROW,
        ChartType::Line => 250.0,
    };
    format!(
        "<svg class=\"chart chart-{kind}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>{body}</svg>",
        kind = if chart.chart_type == ChartType::Bar { "bar" } else { "line" },
        title = escape(title),
        desc = escape(&desc.join("; ")),
    )
}

fn max_value(chart: &Chart) -> f64 {
    chart.series.iter().map(|p| p.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE)
}

/// Horizontal bars, each with its label above it (labels of any length stay readable).
fn bars(chart: &Chart, unit: &str) -> String {
    let max = max_value(chart);
    let (left, value_room) = (4.0, 130.0);
    let span = WIDTH - left - value_room;
    let mut out = String::new();
    for (i, point) in chart.series.iter().enumerate() {
        let y = 8.0 + i as f64 * ROW;
        let width = if chart.log_scale {
            span * (point.value.max(1.0).ln() / max.max(1.0).ln().max(1.0))
        } else {
            span * point.value.max(0.0) / max
        };
        // A bar of a visible minimum width, so a small value still shows.
        let width = width.max(2.0);
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"{left}\" y=\"{ly}\">{label}</text>\
<rect class=\"chart-bar\" x=\"{left}\" y=\"{by}\" width=\"{width:.1}\" height=\"24\" rx=\"2\"/>\
<text class=\"chart-value\" x=\"{vx:.1}\" y=\"{vy}\">{value}{unit}</text>",
            ly = y + 14.0,
            by = y + 22.0,
            vy = y + 39.0,
            label = escape(&point.label),
            vx = left + width + 8.0,
            value = format_number(point.value),
            unit = escape(unit),
        );
    }
    out
}

fn line(chart: &Chart) -> String {
    let max = max_value(chart);
    let (left, right, top, bottom) = (62.0, WIDTH - 24.0, 16.0, 206.0);
    let n = chart.series.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (right - left) * i as f64 / n;
    let y = |v: f64| bottom - (bottom - top) * v.max(0.0) / max;
    let mut out = String::new();
    for step in 0..=4 {
        let value = max * step as f64 / 4.0;
        let _ = write!(
            out,
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\"/>\
<text class=\"chart-axis\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{label}</text>",
            gy = y(value),
            tx = left - 8.0,
            ty = y(value) + 5.0,
            label = format_number(value.round()),
        );
    }
    let points: Vec<String> =
        chart.series.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.value))).collect();
    let _ = write!(out, "<polyline class=\"chart-line\" fill=\"none\" points=\"{}\"/>", points.join(" "));
    for (i, p) in chart.series.iter().enumerate() {
        let _ = write!(
            out,
            "<circle class=\"chart-point\" cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\"/>\
<text class=\"chart-label\" x=\"{cx:.1}\" y=\"{ly}\" text-anchor=\"middle\">{label}</text>",
            cx = x(i),
            cy = y(p.value),
            ly = bottom + 24.0,
            label = escape(&p.label),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format_number, svg};
    use crate::model::{Chart, ChartPoint, ChartType};

    #[test]
    fn numbers_get_thousands_separators() {
        let cases = [(350000.0, "350,000"), (2000.0, "2,000"), (999.0, "999"), (2.5, "2.5"), (-1200.0, "-1,200")];
        for (value, text) in cases {
            assert_eq!(format_number(value), text);
        }
    }

    #[test]
    fn charts_are_drawn_narrow_enough_for_a_phone_to_read() {
        // The SVG is scaled to the figure's width: at 390 px that is about 330 px.
        let chart = Chart {
            chart_type: ChartType::Bar,
            series: vec![ChartPoint { label: "Still serving (article's figure)".into(), value: 350000.0 }],
            unit: Some("soldiers".into()),
            log_scale: false,
        };
        let out = svg(&chart, "t", "c");
        let width: f64 = out.split("viewBox=\"0 0 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        let label_px = 14.0 * 330.0 / width;
        assert!(label_px >= 12.0, "labels render at {label_px:.1} px on a phone");
        // The value after the longest bar still fits inside the drawing.
        let x: f64 =
            out.split("class=\"chart-value\" x=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(x + "350,000 soldiers".len() as f64 * 7.5 <= width, "value at {x} overflows {width}");
    }

    #[test]
    fn charts_are_accessible_svg_with_every_value_in_the_description() {
        for chart_type in [ChartType::Bar, ChartType::Line] {
            let chart = Chart {
                chart_type,
                series: vec![
                    ChartPoint { label: "Defected".into(), value: 2000.0 },
                    ChartPoint { label: "Serving <now>".into(), value: 350000.0 },
                ],
                unit: None,
                log_scale: false,
            };
            let out = svg(&chart, "Troops & defectors", "c1");
            assert!(out.starts_with("<svg") && out.contains("role=\"img\""));
            assert!(out.contains("<title id=\"c1-title\">Troops &amp; defectors</title>"));
            assert!(out.contains("Defected: 2,000; Serving &lt;now&gt;: 350,000"));
        }
    }
}
