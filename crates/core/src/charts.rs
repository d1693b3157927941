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

/// Horizontal bars of signed changes, largest first (e.g. a breakdown's top movers). `values` are integers in a
/// display unit (minor currency units, hundredths of a lot); `value_labels` are the exact texts shown beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoversChart {
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<i64>,
    pub value_labels: Vec<String>,
}

const UP: RGBColor = RGBColor(0x1f, 0x9d, 0x55);
const DOWN: RGBColor = RGBColor(0xd1, 0x43, 0x43);

/// Renders the movers; with none, the frame and a "no changes" caption.
pub fn render_movers_chart(spec: &MoversChart) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Best-effort, as for the bar chart: the numbers are in the table beside it.
        let _ = draw_movers(&root, spec);
        let _ = root.present();
    }
    svg
}

fn draw_movers<'a>(
    root: &'a DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    spec: &MoversChart,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    root.fill(&WHITE)?;
    let n = spec.values.len().max(1);
    let lo = spec.values.iter().copied().min().unwrap_or(0).min(0);
    let hi = spec.values.iter().copied().max().unwrap_or(0).max(0);
    let pad = ((hi - lo) / 5).max(1);
    let (lo, hi) = (if lo < 0 { lo - pad } else { 0 }, hi + pad);
    let labels = spec.labels.clone();
    let mut chart = ChartBuilder::on(root)
        .caption(&spec.title, ("sans-serif", 16).into_font().color(&AXIS))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(150)
        .build_cartesian_2d(lo..hi, (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(AXIS.mix(0.15))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(("sans-serif", 12).into_font().color(&AXIS))
        // The exact values are printed beside the bars; the axis needs no numbers.
        .x_labels(2)
        .x_label_formatter(&|_| String::new())
        .y_labels(n)
        .y_label_formatter(&move |v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).map(|l| short_label(l)).unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    if spec.values.is_empty() {
        root.draw(&Text::new(
            "No changes against the previous period",
            ((WIDTH / 2 - 140) as i32, (HEIGHT / 2) as i32),
            ("sans-serif", 16).into_font().color(&AXIS),
        ))?;
        return Ok(());
    }
    chart.draw_series(spec.values.iter().enumerate().map(|(i, v)| {
        let colour = if *v >= 0 { UP } else { DOWN };
        let mut bar = Rectangle::new(
            [
                (0, SegmentValue::Exact(i)),
                (*v, SegmentValue::Exact(i + 1)),
            ],
            colour.filled(),
        );
        bar.set_margin(3, 3, 0, 0);
        bar
    }))?;
    chart.draw_series(spec.values.iter().enumerate().map(|(i, v)| {
        let text = spec.value_labels.get(i).cloned().unwrap_or_default();
        Text::new(
            text,
            (*v.max(&0), SegmentValue::CenterOf(i)),
            ("sans-serif", 11).into_font().color(&AXIS),
        )
    }))?;
    Ok(())
}

/// Lines over a shared integer x axis (e.g. cumulative NGR per player by months since registration, one line per
/// cohort). `values` are integers in minor units of a currency with `exponent` decimals; the axis shows them as
/// decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub exponent: u32,
    pub series: Vec<(String, Vec<i64>)>,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(0x2f, 0x6f, 0xeb),
    RGBColor(0x1f, 0x9d, 0x55),
    RGBColor(0xd1, 0x43, 0x43),
    RGBColor(0x8e, 0x44, 0xad),
    RGBColor(0xe6, 0x7e, 0x22),
    RGBColor(0x16, 0xa0, 0x85),
];

/// Renders the lines with a legend; with no series, the frame and a "no data" caption.
pub fn render_line_chart(spec: &LineChart) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let _ = draw_lines(&root, spec);
        let _ = root.present();
    }
    svg
}

/// Minor units as a decimal: 12345 with 2 decimals → "123.45".
fn minor_units(v: i64, exponent: u32) -> String {
    if exponent == 0 {
        return v.to_string();
    }
    let scale = 10i64.pow(exponent);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let s = scale.unsigned_abs();
    format!("{sign}{}.{:0w$}", a / s, a % s, w = exponent as usize)
}

fn draw_lines<'a>(
    root: &'a DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    spec: &LineChart,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    root.fill(&WHITE)?;
    let x_max = spec
        .series
        .iter()
        .map(|s| s.1.len())
        .max()
        .unwrap_or(1)
        .max(2) as i64
        - 1;
    let all = spec.series.iter().flat_map(|s| s.1.iter().copied());
    let (lo, hi) = all.fold((0i64, 0i64), |(l, h), v| (l.min(v), h.max(v)));
    let pad = ((hi - lo) / 10).max(1);
    let exponent = spec.exponent;
    let mut chart = ChartBuilder::on(root)
        .caption(&spec.title, ("sans-serif", 16).into_font().color(&AXIS))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0i64..x_max, (lo - if lo < 0 { pad } else { 0 })..(hi + pad))?;
    chart
        .configure_mesh()
        .bold_line_style(AXIS.mix(0.15))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_desc(&spec.x_label)
        .y_desc(&spec.y_label)
        .label_style(("sans-serif", 12).into_font().color(&AXIS))
        .x_labels((x_max as usize + 1).min(13))
        .y_label_formatter(&move |v| minor_units(*v, exponent))
        .draw()?;
    if spec.series.is_empty() {
        root.draw(&Text::new(
            "No cohorts yet",
            ((WIDTH / 2 - 50) as i32, (HEIGHT / 2) as i32),
            ("sans-serif", 16).into_font().color(&AXIS),
        ))?;
        return Ok(());
    }
    for (i, (name, values)) in spec.series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                values.iter().enumerate().map(|(k, v)| (k as i64, *v)),
                colour.stroke_width(2),
            ))?
            .label(name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(AXIS.mix(0.3))
        .label_font(("sans-serif", 11).into_font().color(&AXIS))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    Ok(())
}

/// Long labels (sub-IDs, affiliate names) are cut so the bars keep their room.
fn short_label(label: &str) -> String {
    const MAX: usize = 22;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        format!("{}…", label.chars().take(MAX - 1).collect::<String>())
    }
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

    #[test]
    fn movers_draw_one_bar_per_change_coloured_by_sign() {
        let svg = render_movers_chart(&MoversChart {
            title: "Largest changes".into(),
            labels: vec!["aff-1".into(), "aff-2".into()],
            values: vec![1500, -700],
            value_labels: vec!["15.00".into(), "-7.00".into()],
        });
        assert!(svg.contains("fill=\"#1F9D55\""), "{svg}");
        assert!(svg.contains("fill=\"#D14343\""), "{svg}");
        assert!(svg.contains("-7.00"));
    }

    #[test]
    fn line_chart_shows_minor_units_as_decimals_and_a_legend() {
        let svg = render_line_chart(&LineChart {
            title: "LTV".into(),
            x_label: "Months since registration".into(),
            y_label: "NGR per player".into(),
            exponent: 2,
            series: vec![("2026-03".into(), vec![0, 1250, 2500])],
        });
        assert!(svg.contains("2026-03"));
        assert_eq!(minor_units(-1205, 2), "-12.05");
        assert_eq!(minor_units(7, 0), "7");
        assert!(render_line_chart(&LineChart {
            series: vec![],
            ..LineChart {
                title: String::new(),
                x_label: String::new(),
                y_label: String::new(),
                exponent: 2,
                series: vec![]
            }
        })
        .contains("No cohorts yet"));
    }
}
