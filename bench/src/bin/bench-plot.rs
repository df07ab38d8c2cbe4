//! `bench-plot OUT`: the pictures of a `bench/run` result directory, drawn from its step JSONs
//! (`OUT/<shape>/<server>-<calls>.json`, each a `fcstream load --json` report), so that a
//! run's tail can be seen instead of read off four percentiles:
//!
//! - `OUT/<shape>-latency-cdf.png`: the added-latency distribution of every step of every
//!   server (from each report's `latency_histogram.buckets`): a CDF on a log latency axis,
//!   its vertical axis in "nines" (0 %, 90 %, 99 %, 99.9 %, 99.99 %: `-log10(1 - F)`), so
//!   the tail that decides the SLO is as wide as the body; the SLO's p99 as a dashed line.
//! - `OUT/<shape>-p99-over-time.png`: each step's p99 added latency second by second (from
//!   each report's `series`), log scale, the SLO as a dashed line: a tail that grows as a run
//!   goes on (a leak, a backlog) looks different from one that is there from the start. A
//!   second in which the generator itself fired its ticks late (its tick lateness p99 above
//!   the report's `lateness_threshold_ms`) is drawn as a cross, not a dot: that second's
//!   p99 says more about the generator than about the server.
//!
//! One colour per server (fcstream blue, the floor orange, the naive echo green), lighter for
//! smaller steps. Text is drawn with a font compiled in (Hack, through
//! `epaint_default_fonts`, as the emulator's `heard.png` does): no system fonts, the same
//! picture on every machine, nothing for CI to install.
//!
//! Usage: `bench-plot OUT` (prints the files it wrote).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use serde_json::Value;

/// The pictures' size, pixels.
const SIZE: (u32, u32) = (1200, 720);
/// The deepest "nine" drawn (99.99 %).
const MAX_NINES: f64 = 4.0;

const INK: RGBColor = RGBColor(40, 40, 40);
const SLO_INK: RGBColor = RGBColor(200, 40, 40);

type Error = Box<dyn std::error::Error>;

/// One step of one server: its load and its report.
struct Step {
    /// Concurrent calls.
    calls: u64,
    /// `fcstream load --json`.
    report: Value,
}

fn main() -> Result<(), Error> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: bench-plot OUT (a bench/run result directory)")?;
    plotters::style::register_font(
        "sans-serif",
        FontStyle::Normal,
        epaint_default_fonts::HACK_REGULAR,
    )
    .map_err(|_| "the embedded font is unreadable")?;
    let mut shapes: Vec<PathBuf> = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    shapes.sort();
    let mut wrote = 0;
    for dir in shapes {
        let shape = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let servers = read_steps(&dir)?;
        if servers.is_empty() {
            continue;
        }
        let slo = servers
            .values()
            .flatten()
            .find_map(|s| s.report["slo"]["p99_ms"].as_f64())
            .unwrap_or(20.0);
        let title = format!("{shape}: {}", shape_words(&shape));
        for (name, draw) in [
            ("latency-cdf", cdf as Picture),
            ("p99-over-time", p99_over_time as Picture),
        ] {
            let path = out.join(format!("{shape}-{name}.png"));
            write_png(&path, |area| draw(area, &title, &servers, slo))?;
            println!("{}", path.display());
            wrote += 1;
        }
    }
    if wrote == 0 {
        return Err(format!("no step JSONs under {}", out.display()).into());
    }
    Ok(())
}

/// A line to draw: its legend, its colour, its points.
type Curve = (String, RGBColor, Vec<(f64, f64)>);
type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;
type Picture = fn(&Area<'_>, &str, &BTreeMap<String, Vec<Step>>, f64) -> Result<(), Error>;

fn shape_words(shape: &str) -> &'static str {
    match shape {
        "many" => "many calls per HTTP/2 connection",
        "one" => "one call per HTTP/2 connection",
        _ => "connection shape",
    }
}

/// Every `<server>-<calls>.json` in `dir` that holds a report, by server, smallest step first.
fn read_steps(dir: &Path) -> Result<BTreeMap<String, Vec<Step>>, Error> {
    let mut servers: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let Some((server, calls)) = stem.rsplit_once('-') else {
            continue;
        };
        let Ok(calls) = calls.parse::<u64>() else {
            continue;
        };
        let report: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        if report.get("latency_histogram").is_none() {
            continue; // a step that failed to run, or a report from before the histogram
        }
        servers
            .entry(server.to_string())
            .or_default()
            .push(Step { calls, report });
    }
    for steps in servers.values_mut() {
        steps.sort_by_key(|s| s.calls);
    }
    Ok(servers)
}

/// A server's colour, lighter for its smaller steps (`rank` of `n`, 0 the smallest).
fn colour(server: &str, rank: usize, n: usize) -> RGBColor {
    let base = match server {
        "fcstream" => RGBColor(31, 90, 180),
        "floor" => RGBColor(230, 110, 0),
        "naive" => RGBColor(40, 150, 40),
        _ => RGBColor(120, 60, 160),
    };
    let light = if n <= 1 {
        0.0
    } else {
        0.6 * (1.0 - rank as f64 / (n - 1) as f64)
    };
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * light).round() as u8;
    RGBColor(mix(base.0), mix(base.1), mix(base.2))
}

/// A step's legend: server, calls, verdict, p99.
fn label(server: &str, step: &Step) -> String {
    let r = &step.report;
    format!(
        "{server} {} calls: {}, p99 {} ms",
        step.calls,
        r["verdict"].as_str().unwrap_or("?"),
        r["latency_ms"]["p99"]
            .as_f64()
            .map_or("?".into(), |v| format!("{v:.2}"))
    )
}

/// The CDF of a report's histogram as (latency ms, nines) points, a step per bucket.
fn cdf_points(report: &Value) -> Vec<(f64, f64)> {
    let buckets = report["latency_histogram"]["buckets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total: u64 = buckets.iter().filter_map(|b| b["count"].as_u64()).sum();
    if total == 0 {
        return Vec::new();
    }
    // The deepest nine a sample of `total` values can show.
    let deepest = (total as f64).log10().min(MAX_NINES);
    let nines = |f: f64| {
        if f >= 1.0 {
            deepest
        } else {
            (-(1.0 - f).log10()).min(deepest)
        }
    };
    let mut points = Vec::with_capacity(buckets.len() * 2);
    let mut seen = 0u64;
    let mut last = 0.0;
    for b in &buckets {
        let (Some(le), Some(count)) = (b["le_us"].as_u64(), b["count"].as_u64()) else {
            continue;
        };
        let ms = (le as f64 / 1000.0).max(0.01);
        points.push((ms, last));
        seen += count;
        last = nines(seen as f64 / total as f64);
        points.push((ms, last));
    }
    points
}

fn cdf(
    area: &Area<'_>,
    title: &str,
    servers: &BTreeMap<String, Vec<Step>>,
    slo: f64,
) -> Result<(), Error> {
    let curves: Vec<Curve> = servers
        .iter()
        .flat_map(|(name, steps)| {
            steps.iter().enumerate().map(move |(i, s)| {
                (
                    label(name, s),
                    colour(name, i, steps.len()),
                    cdf_points(&s.report),
                )
            })
        })
        .collect();
    let (lo, hi) = curves
        .iter()
        .flat_map(|c| c.2.iter().map(|p| p.0))
        .fold((f64::MAX, 0.0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let lo = (lo.min(slo) * 0.8).max(0.01);
    let hi = (hi.max(slo) * 1.25).max(lo * 10.0);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("added latency per frame, CDF — {title}"),
            ("sans-serif", 24).into_font().color(&INK),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..MAX_NINES)?;
    chart
        .configure_mesh()
        .x_desc("added latency, ms (log)")
        .y_desc("frames at or below")
        .y_labels(5)
        .y_label_formatter(&|y| match y.round() as i64 {
            0 => "0%".into(),
            1 => "90%".into(),
            2 => "99%".into(),
            3 => "99.9%".into(),
            4 => "99.99%".into(),
            _ => String::new(),
        })
        .x_labels(12)
        .x_label_formatter(&|x| format!("{x}"))
        .label_style(("sans-serif", 15).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 16).into_font().color(&INK))
        .draw()?;
    slo_line(&mut chart, [(slo, 0.0), (slo, MAX_NINES)], slo)?;
    for (name, c, points) in curves {
        chart
            .draw_series(LineSeries::new(points, c.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], c.stroke_width(3)));
    }
    legend(&mut chart)
}

fn p99_over_time(
    area: &Area<'_>,
    title: &str,
    servers: &BTreeMap<String, Vec<Step>>,
    slo: f64,
) -> Result<(), Error> {
    let mut lines = Vec::new();
    let mut late_seconds: Vec<(RGBColor, Vec<(f64, f64)>)> = Vec::new();
    for (name, steps) in servers {
        for (i, s) in steps.iter().enumerate() {
            let threshold = s.report["generator"]["lateness_threshold_ms"]
                .as_f64()
                .unwrap_or(2.0);
            let mut points = Vec::new();
            let mut late = Vec::new();
            for r in s.report["series"].as_array().into_iter().flatten() {
                let (Some(t), Some(p99)) = (r["t_s"].as_f64(), r["p99_ms"].as_f64()) else {
                    continue;
                };
                let p = (t + 0.5, p99.max(0.01));
                points.push(p);
                if r["lateness_p99_ms"].as_f64().is_some_and(|l| l > threshold) {
                    late.push(p);
                }
            }
            let c = colour(name, i, steps.len());
            late_seconds.push((c, late));
            lines.push((label(name, s), c, points));
        }
    }
    let t_max = lines
        .iter()
        .flat_map(|l| l.2.iter().map(|p| p.0))
        .fold(1.0f64, f64::max)
        .ceil()
        + 0.5;
    let (lo, hi) = lines
        .iter()
        .flat_map(|l| l.2.iter().map(|p| p.1))
        .fold((f64::MAX, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let lo = (lo.min(slo) * 0.7).max(0.01);
    // Head-room above the lines for the legend.
    let hi = (hi.max(slo) * 4.0).max(lo * 10.0);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("p99 added latency, second by second — {title}"),
            ("sans-serif", 24).into_font().color(&INK),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..t_max, (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("seconds since the run's start")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc("p99 of that second, ms (log)")
        .y_label_formatter(&|y| format!("{y}"))
        .label_style(("sans-serif", 15).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 16).into_font().color(&INK))
        .draw()?;
    slo_line(&mut chart, [(0.0, slo), (t_max, slo)], slo)?;
    for (name, c, points) in lines {
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], c.stroke_width(3)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled())))?;
    }
    let mut named = false;
    for (c, late) in late_seconds {
        let some = !late.is_empty();
        let crosses = chart.draw_series(
            late.into_iter()
                .map(|p| Cross::new(p, 7, c.stroke_width(2))),
        )?;
        if some && !named {
            crosses
                .label("x: the generator was late that second")
                .legend(move |(x, y)| Cross::new((x + 12, y), 5, INK.stroke_width(2)));
            named = true;
        }
    }
    legend(&mut chart)
}

/// The SLO's p99, dashed, named in the legend.
fn slo_line<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    ends: [CT::From; 2],
    slo: f64,
) -> Result<(), Error>
where
    DB::ErrorType: 'static,
    CT::From: Clone + 'static,
{
    let [a, b] = ends;
    chart
        .draw_series(DashedLineSeries::new([a, b], 8, 6, SLO_INK.stroke_width(2)))
        .map_err(|e| e.to_string())?
        .label(format!("SLO: p99 {slo} ms"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 24, y)], SLO_INK.stroke_width(2)));
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Result<(), Error>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .label_font(("sans-serif", 14).into_font().color(&INK))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Draws into an RGB buffer and writes it as a PNG (the `png` crate, no image stack).
fn write_png(path: &Path, draw: impl FnOnce(&Area<'_>) -> Result<(), Error>) -> Result<(), Error> {
    let (w, h) = SIZE;
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report as `fcstream load --json` writes it, reduced to what is drawn.
    fn report(buckets: &[(u64, u64)], p99s: &[f64]) -> Value {
        serde_json::json!({
            "verdict": "pass",
            "latency_ms": {"p99": 4.1},
            "slo": {"p99_ms": 20.0},
            "latency_histogram": {
                "buckets": buckets.iter().map(|(le, n)| serde_json::json!({"le_us": le, "count": n})).collect::<Vec<_>>()
            },
            "series": p99s.iter().enumerate().map(|(t, p)| serde_json::json!({"t_s": t, "p99_ms": p})).collect::<Vec<_>>()
        })
    }

    #[test]
    fn the_cdf_climbs_through_the_nines_to_the_last_bucket() {
        // 10,000 values: 9,000 at 1 ms, 900 at 2 ms, 90 at 5 ms, 10 at 30 ms.
        let r = report(&[(1000, 9000), (2000, 900), (5000, 90), (30_000, 10)], &[]);
        let p = cdf_points(&r);
        assert_eq!(p.len(), 8);
        assert!(p.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
        let at = |ms: f64| p.iter().rev().find(|q| q.0 <= ms).map(|q| q.1);
        assert!((at(1.0).unwrap() - 1.0).abs() < 1e-9); // 90 %
        assert!((at(2.0).unwrap() - 2.0).abs() < 1e-9); // 99 %
        assert!((at(5.0).unwrap() - 3.0).abs() < 1e-9); // 99.9 %
        assert_eq!(at(30.0), Some(4.0)); // all of 10^4 values: as deep as they can show
        assert!(cdf_points(&report(&[], &[])).is_empty());
    }

    #[test]
    fn a_result_directory_gets_its_two_pictures_per_shape() {
        let dir = std::env::temp_dir().join(format!("bench-plot-{}", std::process::id()));
        let shape = dir.join("many");
        std::fs::create_dir_all(&shape).unwrap();
        for (name, scale) in [("fcstream-200", 1), ("fcstream-500", 2), ("floor-200", 1)] {
            let r = report(
                &[(900 * scale, 950), (3000 * scale, 45), (12_000 * scale, 5)],
                &[3.0, 4.0 * scale as f64, 3.5],
            );
            std::fs::write(shape.join(format!("{name}.json")), r.to_string()).unwrap();
        }
        std::fs::write(shape.join("floor-1000.json"), r#"{"verdict":"error"}"#).unwrap();
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::HACK_REGULAR,
        )
        .map_err(|_| "font")
        .unwrap();
        let servers = read_steps(&shape).unwrap();
        assert_eq!(servers["fcstream"].len(), 2);
        assert_eq!(
            servers["floor"].len(),
            1,
            "the step that did not run is left out"
        );
        for (name, draw) in [("cdf", cdf as Picture), ("p99", p99_over_time as Picture)] {
            let path = dir.join(format!("{name}.png"));
            write_png(&path, |a| draw(a, "many", &servers, 20.0)).unwrap();
            let png = std::fs::read(&path).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            // Something was drawn: far more than a blank picture compresses to.
            assert!(png.len() > 20_000, "{name}: {} bytes", png.len());
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
