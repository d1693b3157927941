//! Charts as pure functions: a data-only spec in, a standalone SVG document out (no I/O, no clock), rendered with
//! plotters. Text is left to the viewer's fonts (no font files are read), so the output is byte-identical on
//! every machine. The UI shows the SVG as an `<img>`, never as inline markup: labels carry affiliate text.

use plotters::prelude::*;

/// A bar chart of one count per category (e.g. FTDs per day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub title: String,
    pub y_label: String,
    pub labels: Vec<String>,
    pub values: Vec<u32>,
}

pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 320;
const BAR: RGBColor = RGBColor(0x2f, 0x6f, 0xeb);
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);

/// Renders the chart; an empty chart still renders its frame and a "no data" caption.
pub fn render_bar_chart(spec: &BarChart) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Drawing into a String cannot fail for I/O reasons; a failure here would be a plotters bug, and the
        // chart is best-effort: the numbers are in the table beside it.
        let _ = draw(&root, spec);
        let _ = root.present();
    }
    svg
}

fn draw<'a>(
    root: &'a DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    spec: &BarChart,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    root.fill(&WHITE)?;
    let n = spec.values.len().max(1);
    let y_max = spec.values.iter().copied().max().unwrap_or(0).max(1);
    let y_top = y_max + (y_max / 10).max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(&spec.title, ("sans-serif", 18).into_font().color(&AXIS))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(48)
        .build_cartesian_2d((0..n).into_segmented(), 0u32..y_top)?;
    let labels = spec.labels.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(AXIS.mix(0.15))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .y_desc(&spec.y_label)
        .label_style(("sans-serif", 12).into_font().color(&AXIS))
        .x_labels(n.min(12))
        .x_label_formatter(&move |v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).map(|l| short_day(l)).unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    if spec.values.is_empty() {
        root.draw(&Text::new(
            "No data in this period",
            ((WIDTH / 2 - 80) as i32, (HEIGHT / 2) as i32),
            ("sans-serif", 16).into_font().color(&AXIS),
        ))?;
        return Ok(());
    }
    // Bars drawn in day order (plotters' Histogram groups through a HashMap, which would reorder the output).
    chart.draw_series(
        spec.values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(i, v)| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    BAR.filled(),
                );
                bar.set_margin(0, 0, 3, 3);
                bar
            }),
    )?;
    Ok(())
}

/// "2026-10-03" → "10-03": days on the axis need no year.
fn short_day(label: &str) -> String {
    label.get(5..).unwrap_or(label).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(values: Vec<u32>) -> BarChart {
        BarChart {
            title: "Daily FTDs".into(),
            y_label: "FTDs".into(),
            labels: (1..=values.len())
                .map(|d| format!("2026-10-{d:02}"))
                .collect(),
            values,
        }
    }

    #[test]
    fn renders_a_standalone_svg_with_one_bar_per_day() {
        let svg = render_bar_chart(&spec(vec![3, 0, 7, 2]));
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.contains("Daily FTDs"));
        assert!(svg.contains("10-03"));
        // Histogram bars are filled rects in the bar colour (a zero bar draws nothing).
        assert_eq!(svg.matches("fill=\"#2F6FEB\"").count(), 3, "{svg}");
    }

    #[test]
    fn same_spec_same_bytes() {
        assert_eq!(
            render_bar_chart(&spec(vec![1, 2, 3])),
            render_bar_chart(&spec(vec![1, 2, 3]))
        );
    }

    #[test]
    fn empty_chart_says_so() {
        let svg = render_bar_chart(&spec(vec![]));
        assert!(svg.contains("No data in this period"));
    }

    /// Labels come from affiliates; the SVG must stay well-formed whatever they contain.
    #[test]
    fn markup_in_labels_is_escaped() {
        let mut s = spec(vec![1]);
        s.title = "<script>alert(1)</script> & co".into();
        let svg = render_bar_chart(&s);
        assert!(!svg.contains("<script>"));
    }
}
