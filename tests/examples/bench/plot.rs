//! The growth plot (SVG), drawn from the results.

use serde_json::Value;

type Line = (&'static str, Vec<(f64, f64)>, &'static str, &'static str);

/// The points `(v[x], v[y])` of the results' sizes.
fn series(v: &Value, x: &str, y: &str) -> Vec<(f64, f64)> {
    v["sizes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s[x].as_f64()?, s[y].as_f64()?)))
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .collect()
}

/// The growth plot: time against files (both logarithmic) for the scan
/// (page, dicom-parser) and the whole path (page, `mailslot send`, curl).
pub fn plot(scan: &Value, path: &Value) -> String {
    draw(
        "files (log)",
        &[
            (
                "scan: page",
                series(scan, "files", "page_ms"),
                "#1f5fbf",
                "",
            ),
            (
                "scan: dicom-parser page",
                series(scan, "files", "baseline_ms"),
                "#1f5fbf",
                "6 4",
            ),
            (
                "path: page",
                series(path, "files", "page_ms"),
                "#b3261e",
                "",
            ),
            (
                "path: mailslot send",
                series(path, "files", "send_ms"),
                "#2e7d32",
                "",
            ),
            (
                "path: curl POST /instances",
                series(path, "files", "curl_ms"),
                "#b3261e",
                "6 4",
            ),
        ],
    )
}

/// The size plot: time against the size of one file (MB; both
/// logarithmic) for the whole path (page, `mailslot send`, curl).
pub fn size(size: &Value) -> String {
    draw(
        "MB in one file (log)",
        &[
            ("page", series(size, "megabytes", "page_ms"), "#b3261e", ""),
            (
                "mailslot send",
                series(size, "megabytes", "send_ms"),
                "#2e7d32",
                "",
            ),
            (
                "curl POST /instances",
                series(size, "megabytes", "curl_ms"),
                "#b3261e",
                "6 4",
            ),
        ],
    )
}

/// Lines of `(x, ms)` on logarithmic axes, with a legend.
fn draw(x_label: &str, lines: &[Line]) -> String {
    let (w, h, left, bottom, top, right) = (720.0, 440.0, 70.0, 50.0, 20.0, 220.0);
    let all: Vec<(f64, f64)> = lines.iter().flat_map(|l| l.1.iter().copied()).collect();
    let lx = |x: f64| x.max(1.0).log10();
    let ly = |y: f64| y.max(1.0).log10();
    let x1 = all.iter().map(|p| lx(p.0)).fold(1.0, f64::max).ceil();
    let y0 = all
        .iter()
        .map(|p| ly(p.1))
        .fold(f64::INFINITY, f64::min)
        .floor()
        .min(2.0);
    let y1 = all.iter().map(|p| ly(p.1)).fold(1.0, f64::max).ceil();
    let px = |x: f64| left + lx(x) / x1.max(1.0) * (w - left - right);
    let py = |y: f64| h - bottom - (ly(y) - y0) / (y1 - y0).max(1.0) * (h - top - bottom);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for e in 0..=(x1 as i32) {
        let x = px(10f64.powi(e));
        svg += &format!("<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n", h - bottom, h - bottom + 16.0, 10u64.pow(e as u32));
    }
    for e in (y0 as i32)..=(y1 as i32) {
        let y = py(10f64.powi(e));
        let label = if e >= 3 {
            format!("{} s", 10u64.pow(e as u32 - 3))
        } else {
            format!("{} ms", 10u64.pow(e as u32))
        };
        svg += &format!("<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\n", w - right, left - 6.0, y + 4.0);
    }
    svg += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{x_label}</text>\n",
        (left + w - right) / 2.0,
        h - 12.0
    );
    for (i, (name, points, colour, dash)) in lines.iter().enumerate() {
        let d: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        svg += &format!("<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>\n", d.join(" "));
        for (x, y) in points {
            svg += &format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>\n",
                px(*x),
                py(*y)
            );
        }
        let ly = top + 14.0 + i as f64 * 20.0;
        let lx0 = w - right + 12.0;
        svg += &format!("<line x1=\"{lx0:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/><text x=\"{:.1}\" y=\"{:.1}\">{name}</text>\n", lx0 + 24.0, lx0 + 30.0, ly + 4.0);
    }
    svg + "</svg>\n"
}
