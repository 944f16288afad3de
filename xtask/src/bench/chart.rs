//! The chart of the report (`docs/benchmarks.svg`), drawn by hand: one panel per workload.

use std::fmt::Write as _;

use super::{CLIENTS, Report, mb, rate, si};

const WIDTH: f64 = 1000.0;
const PANEL_W: f64 = 470.0;
const PANEL_H: f64 = 262.0;
const TOP: f64 = 78.0;
const LABEL_W: f64 = 88.0;
const BAR_H: f64 = 22.0;
const BAR_GAP: f64 = 9.0;

fn color(client: &str) -> &'static str {
    match client {
        "rust" => "#ce422b",
        "pass" => "#e9967a",
        "python" => "#3572a5",
        "js" => "#d4a017",
        _ => "#8a8a8a",
    }
}

use super::short_name as short;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One bar: the client, the median, and the range of the repetitions.
struct Bar {
    client: &'static str,
    value: f64,
    low: f64,
    high: f64,
    label: String,
}

/// A reference line across a panel.
struct Mark {
    value: f64,
    label: String,
}

struct Panel {
    title: String,
    subtitle: String,
    bars: Vec<Bar>,
    marks: Vec<Mark>,
    log: bool,
}

fn panels(report: &Report) -> Vec<Panel> {
    let mut panels = Vec::new();
    for workload in report.workloads {
        let mut bars = Vec::new();
        for (key, _) in CLIENTS {
            let Some(cell) = report.cell(workload.key, key) else {
                continue;
            };
            let Some(s) = cell.seconds() else { continue };
            let errors = cell.errors();
            let suffix = if errors > 0 {
                format!(" ({errors} errors)")
            } else {
                String::new()
            };
            let bar = match workload.key {
                "memory" => cell.rss_kb().map(|r| Bar {
                    client: key,
                    value: mb(r.median),
                    low: mb(r.min),
                    high: mb(r.max),
                    label: format!("{:.1} MB{suffix}", mb(r.median)),
                }),
                _ if workload.lanes > 1 => Some(Bar {
                    client: key,
                    value: super::per_run_ms(workload, s.median),
                    low: super::per_run_ms(workload, s.min),
                    high: super::per_run_ms(workload, s.max),
                    label: format!("{:.0} ms{suffix}", super::per_run_ms(workload, s.median)),
                }),
                "concurrent" => Some(Bar {
                    client: key,
                    value: s.median,
                    low: s.min,
                    high: s.max,
                    label: format!("{} s{suffix}", super::secs(s.median)),
                }),
                _ => rate(workload, cell.delivered(key), s.median).map(|r| Bar {
                    client: key,
                    value: r,
                    low: rate(workload, cell.delivered(key), s.max).unwrap_or(r),
                    high: rate(workload, cell.delivered(key), s.min).unwrap_or(r),
                    label: format!("{} {}{suffix}", si(r), super::unit(workload)),
                }),
            };
            bars.extend(bar);
        }
        if bars.is_empty() {
            continue;
        }
        let value = |client: &str| bars.iter().find(|b| b.client == client).map(|b| b.value);
        let mut marks = Vec::new();
        let (title, subtitle, log) = match workload.key {
            "stream" => {
                if let Some(p) = value("python") {
                    marks.push(Mark {
                        value: p * 10.0,
                        label: "target: 10× Python".into(),
                    });
                }
                if let Some(r) = value("raw") {
                    marks.push(Mark {
                        value: r / 3.0,
                        label: "target: ⅓ of raw".into(),
                    });
                }
                (
                    "Stream throughput",
                    "events/s, log scale · higher is better".to_string(),
                    true,
                )
            }
            "requests" => {
                if let Some(r) = value("raw") {
                    marks.push(Mark {
                        value: r / 1.5,
                        label: "target: raw / 1.5".into(),
                    });
                }
                (
                    "Request overhead",
                    "sequential GETs, requests/s, log scale · higher is better".to_string(),
                    true,
                )
            }
            "concurrent" => {
                let streams = concurrency(workload).max(1);
                (
                    "Concurrency",
                    format!(
                        "{} streams × {} events at once, seconds, log scale · lower is better",
                        super::thousands(streams),
                        super::thousands(workload.events.unwrap_or(0) / streams)
                    ),
                    true,
                )
            }
            "memory" => {
                marks.push(Mark {
                    value: 50.0,
                    label: "target: 50 MB".into(),
                });
                (
                    "Memory",
                    format!(
                        "peak RSS on a {} stream, MB · lower is better",
                        super::size(workload.bytes.unwrap_or(0))
                    ),
                    false,
                )
            }
            "e2e-wait" => (
                "End to end: runs.wait",
                "real server, ms per run (median lane) · lower is better".to_string(),
                false,
            ),
            _ => (
                "End to end: streamed runs",
                "real server, ms per run (median lane) · lower is better".to_string(),
                false,
            ),
        };
        panels.push(Panel {
            title: title.into(),
            subtitle,
            bars,
            marks,
            log,
        });
    }
    panels
}

pub(super) fn render(report: &Report) -> String {
    let panels = panels(report);
    let rows = panels.len().div_ceil(2).max(1);
    let height = TOP + rows as f64 * (PANEL_H + 24.0) + 20.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="20" y="32" font-size="20" font-weight="600" fill="#222">langgraph-sdk benchmarks</text>"##
    );
    let date = report
        .env
        .rows
        .iter()
        .find(|(k, _)| k == "Date")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let cpu = report
        .env
        .rows
        .iter()
        .find(|(k, _)| k == "CPU")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let _ = writeln!(
        s,
        r##"<text x="20" y="54" font-size="12.5" fill="#555">Median of the repetitions; whiskers: fastest and slowest. {} · {} · {}</text>"##,
        esc(cpu),
        esc(&format!(
            "{} cores",
            report
                .env
                .rows
                .iter()
                .find(|(k, _)| k == "Cores")
                .map(|(_, v)| v.as_str())
                .unwrap_or("?")
        )),
        esc(date)
    );
    // Legend.
    let mut x = WIDTH - 20.0;
    for (key, _) in CLIENTS.iter().rev() {
        if !panels
            .iter()
            .any(|p| p.bars.iter().any(|b| b.client == *key))
        {
            continue;
        }
        let w = short(key).len() as f64 * 7.0 + 22.0;
        x -= w;
        let _ = writeln!(
            s,
            r##"<rect x="{x:.1}" y="22" width="12" height="12" rx="2" fill="{}"/><text x="{:.1}" y="32.5" font-size="12.5" fill="#333">{}</text>"##,
            color(key),
            x + 16.0,
            short(key)
        );
    }
    for (i, panel) in panels.iter().enumerate() {
        let px = 20.0 + (i % 2) as f64 * (PANEL_W + 20.0);
        let py = TOP + (i / 2) as f64 * (PANEL_H + 24.0);
        draw_panel(&mut s, panel, px, py);
    }
    s.push_str("</svg>\n");
    s
}

fn draw_panel(s: &mut String, panel: &Panel, px: f64, py: f64) {
    let _ = writeln!(
        s,
        r##"<rect x="{px}" y="{py}" width="{PANEL_W}" height="{PANEL_H}" rx="6" fill="#fafafa" stroke="#e2e2e2"/>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="14.5" font-weight="600" fill="#222">{}</text>"##,
        px + 12.0,
        py + 22.0,
        esc(&panel.title)
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="11.5" fill="#666">{}</text>"##,
        px + 12.0,
        py + 38.0,
        esc(&panel.subtitle)
    );
    let x0 = px + LABEL_W + 12.0;
    let x1 = px + PANEL_W - 110.0;
    let plot_top = py + 52.0;
    let plot_h = panel.bars.len() as f64 * (BAR_H + BAR_GAP) - BAR_GAP;
    let mut hi = panel
        .bars
        .iter()
        .map(|b| b.high.max(b.value))
        .chain(panel.marks.iter().map(|m| m.value))
        .fold(0.0f64, f64::max);
    let mut lo = panel
        .bars
        .iter()
        .map(|b| b.low.min(b.value))
        .chain(panel.marks.iter().map(|m| m.value))
        .fold(f64::INFINITY, f64::min);
    let scale: Box<dyn Fn(f64) -> f64> = if panel.log {
        lo = 10f64.powf((lo.max(1e-9)).log10().floor());
        hi = 10f64.powf(hi.max(lo * 10.0).log10().ceil());
        let (l, h) = (lo.log10(), hi.log10());
        Box::new(move |v: f64| x0 + (v.max(lo).log10() - l) / (h - l) * (x1 - x0))
    } else {
        hi = nice_ceiling(hi * 1.05);
        lo = 0.0;
        Box::new(move |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0))
    };
    // Grid and ticks.
    let ticks: Vec<f64> = if panel.log {
        let mut t = Vec::new();
        let mut v = lo;
        while v <= hi * 1.0001 {
            t.push(v);
            v *= 10.0;
        }
        t
    } else {
        (0..=4).map(|i| hi * i as f64 / 4.0).collect()
    };
    for t in ticks {
        let x = scale(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e6e6e6"/><text x="{x:.1}" y="{:.1}" font-size="10" fill="#888" text-anchor="middle">{}</text>"##,
            plot_top - 4.0,
            plot_top + plot_h + 4.0,
            plot_top + plot_h + 16.0,
            tick_label(t)
        );
    }
    // Target lines, under the bars; their labels in rows below the axis.
    for (k, mark) in panel.marks.iter().enumerate() {
        let x = scale(mark.value);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5,3"/><text x="{x:.1}" y="{:.1}" font-size="10.5" fill="#2e7d32" text-anchor="middle">▲ {}</text>"##,
            plot_top - 6.0,
            plot_top + plot_h + 4.0,
            plot_top + plot_h + 31.0 + k as f64 * 13.0,
            esc(&mark.label)
        );
    }
    for (j, bar) in panel.bars.iter().enumerate() {
        let y = plot_top + j as f64 * (BAR_H + BAR_GAP);
        let x = scale(bar.value);
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#333" text-anchor="end">{}</text>"##,
            x0 - 8.0,
            y + BAR_H / 2.0 + 4.0,
            short(bar.client)
        );
        let _ = writeln!(
            s,
            r##"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{BAR_H}" rx="2" fill="{}"/>"##,
            (x - x0).max(1.0),
            color(bar.client)
        );
        let (wl, wh) = (scale(bar.low), scale(bar.high));
        if wh - wl > 1.0 {
            let ym = y + BAR_H / 2.0;
            let _ = writeln!(
                s,
                r##"<path d="M{wl:.1},{ym:.1}H{wh:.1}M{wl:.1},{:.1}V{:.1}M{wh:.1},{:.1}V{:.1}" stroke="#222" stroke-width="1.2" fill="none"/>"##,
                ym - 5.0,
                ym + 5.0,
                ym - 5.0,
                ym + 5.0
            );
        }
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11.5" fill="#222">{}</text>"##,
            x.max(wh) + 6.0,
            y + BAR_H / 2.0 + 4.0,
            esc(&bar.label)
        );
    }
}

/// `10000` as `10k`, `0.1` as `0.1`: no trailing zeros.
fn tick_label(v: f64) -> String {
    let (v, suffix) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

fn concurrency(workload: &super::Workload) -> u64 {
    workload
        .args
        .windows(2)
        .find(|w| w[0] == "--concurrency")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(0)
}

fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}
