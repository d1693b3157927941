//! The CTIT (click-to-registration time) histogram of an affiliate, bucketed on a log-like scale so both a
//! 3–10 s injection spike and a flat hours-to-days flood show, rendered to SVG like [`crate::charts`].

use plotters::prelude::*;

use crate::detect::types::CtitBucket;

/// Upper bounds (seconds, exclusive) and labels of the buckets; the last bucket is open-ended.
pub const BUCKETS: [(i64, &str); 9] = [
    (3, "<3s"),
    (11, "3-10s"),
    (60, "11-59s"),
    (600, "1-10m"),
    (3_600, "10-60m"),
    (6 * 3_600, "1-6h"),
    (24 * 3_600, "6-24h"),
    (72 * 3_600, "1-3d"),
    (i64::MAX, ">3d"),
];

pub fn bucketize(ctit_secs: impl IntoIterator<Item = i64>) -> Vec<CtitBucket> {
    let mut counts = [0u32; BUCKETS.len()];
    for s in ctit_secs {
        if s < 0 {
            continue; // a registration before its click is a data error, shown in the timeline, not here
        }
        let i = BUCKETS
            .iter()
            .position(|(max, _)| s < *max)
            .unwrap_or(BUCKETS.len() - 1);
        counts[i] += 1;
    }
    BUCKETS
        .iter()
        .zip(counts)
        .map(|((_, label), players)| CtitBucket {
            label: (*label).to_string(),
            players,
        })
        .collect()
}

const WIDTH: u32 = 700;
const HEIGHT: u32 = 280;
const BAR: RGBColor = RGBColor(0xc2, 0x41, 0x0c);
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);

pub fn render(buckets: &[CtitBucket]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Drawing into a String cannot fail for I/O reasons; the numbers are also in the table beside it.
        let _ = draw(&root, buckets);
        let _ = root.present();
    }
    svg
}

fn draw<'a>(
    root: &'a DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    buckets: &[CtitBucket],
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    root.fill(&WHITE)?;
    let n = buckets.len().max(1);
    let y_max = buckets.iter().map(|b| b.players).max().unwrap_or(0).max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Click to registration time",
            ("sans-serif", 16).into_font().color(&AXIS),
        )
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d((0..n).into_segmented(), 0u32..(y_max + (y_max / 10).max(1)))?;
    let labels: Vec<String> = buckets.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(AXIS.mix(0.15))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .y_desc("players")
        .label_style(("sans-serif", 11).into_font().color(&AXIS))
        .x_labels(n)
        .x_label_formatter(&move |v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    chart.draw_series(buckets.iter().enumerate().map(|(i, b)| {
        Rectangle::new(
            [
                (SegmentValue::Exact(i), 0),
                (SegmentValue::Exact(i + 1), b.players),
            ],
            BAR.filled(),
        )
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bucket edges: 3 s and 10 s fall in the injection bucket, 11 s does not; negatives are dropped.
    #[test]
    fn buckets_and_svg() {
        let b = bucketize([2, 3, 10, 11, 59, 60, 4_000, 300_000, -5]);
        let counts: Vec<u32> = b.iter().map(|x| x.players).collect();
        assert_eq!(counts, vec![1, 2, 2, 1, 0, 1, 0, 0, 1]);
        let svg = render(&b);
        assert!(svg.starts_with("<svg") && svg.contains("3-10s"));
    }
}
