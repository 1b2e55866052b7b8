//! The Markdown form of a report, and the SVG chart of error-budget burn over the period.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::prelude::ToPrimitive;

use crate::emit::markdown::cell;

use super::{ObjectiveResult, Period, Report, Status, Verdict};

fn instant(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn duration(seconds: i64) -> String {
    let (hours, rest) = (seconds / 3_600, seconds % 3_600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    match (hours, minutes, seconds) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, 0) => format!("{h} h {m} min"),
        (h, m, s) => format!("{h} h {m} min {s} s"),
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn status(result: &ObjectiveResult) -> &'static str {
    match result.status {
        Status::Met => "met",
        Status::Breached => "**breached**",
        Status::NoData => "no data",
        Status::NoMeasurement => "no measurement",
        Status::NotInForce => "not in force",
        Status::NotMeasured => "not measured here",
    }
}

/// The window a result judges, where it is not the report's whole period (a month of a
/// quarter's report), with `partial` where the period covers only part of it.
fn window_label(result: &ObjectiveResult, period: &Period) -> Option<String> {
    let window = result.window.as_ref()?;
    let whole_period = (window.from, window.to) == (period.from, period.to) && !window.partial;
    (!whole_period).then(|| {
        if window.partial {
            format!("{}, partial", window.label)
        } else {
            window.label.clone()
        }
    })
}

fn objective_name(result: &ObjectiveResult, period: &Period) -> String {
    let mut name = result.objective.clone();
    if let Some(site) = &result.site {
        name.push_str(&format!(" (site {site})"));
    }
    if let Some(window) = window_label(result, period) {
        name.push_str(&format!(", {window}"));
    }
    name
}

/// The file name of an objective's burn chart, beside a report written to `stem.md`.
pub fn chart_name(stem: &str, result: &ObjectiveResult, period: &Period) -> String {
    let site = result.site.as_ref().map(|s| format!("-{s}")).unwrap_or_default();
    let window = result
        .window
        .as_ref()
        .filter(|_| window_label(result, period).is_some())
        .map(|w| format!(".{}", w.label))
        .unwrap_or_default();
    format!(
        "{stem}.{}{site}.{}{window}.burn.svg",
        result.service, result.objective
    )
}

/// Writes the report in Markdown; `charts` is the stem of the chart files written beside it,
/// if any.
pub fn write_markdown(report: &Report, charts: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "# Service level report: {}\n\nAgreement `{}` version {}, period {} (from {} to {}). {} and {} read",
        cell(&report.title),
        report.agreement,
        report.version,
        cell(&report.period.label),
        instant(&report.period.from),
        instant(&report.period.to),
        plural(report.tickets_read, "ticket"),
        plural(report.outages_read, "outage")
    )?;
    if report.bad_rows.is_empty() {
        writeln!(out, ".")?;
    } else {
        writeln!(
            out,
            "; {} could not be used and are listed at the end.",
            plural(report.bad_rows.len(), "row")
        )?;
    }
    if report.partial {
        writeln!(
            out,
            "\n**Partial report:** the period covers only part of a window marked `partial`, which is judged over the part covered."
        )?;
    }
    write_summary(report, out)?;
    write_credit_totals(report, out)?;
    writeln!(out, "\n## Details")?;
    for result in report
        .objectives
        .iter()
        .filter(|r| r.status != Status::NotMeasured)
    {
        write_details(result, &report.period, charts, out)?;
    }
    write_bad_rows(report, out)
}

fn write_summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"\n## Summary\n\n| service | objective | target | achieved | result | credit or penalty owed |\n| --- | --- | --- | --- | --- | --- |\n")?;
    for result in &report.objectives {
        let achieved = result
            .achieved_percent
            .map_or("—".to_string(), |p| format!("{}%", p.value().normalize()));
        let owed: Vec<String> = [&result.credit, &result.penalty]
            .into_iter()
            .flatten()
            .map(|o| format!("{}{}", o.amount, if o.capped { " (capped)" } else { "" }))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {achieved} | {} | {} |",
            cell(&result.service_title),
            cell(&objective_name(result, &report.period)),
            if result.target.is_empty() {
                "—".to_string()
            } else {
                cell(&result.target)
            },
            status(result),
            if owed.is_empty() {
                "—".to_string()
            } else {
                cell(&owed.join("; "))
            }
        )?;
    }
    Ok(())
}

fn write_credit_totals(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.credit_totals.is_empty() {
        return Ok(());
    }
    out.write_all(b"\n## Credits over the period\n\n| service | objective | windows owing a credit | total |\n| --- | --- | --- | --- |\n")?;
    for total in &report.credit_totals {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&total.service),
            cell(&total.objective),
            total.windows_owing,
            cell(&total.amount)
        )?;
    }
    Ok(())
}

fn write_details(
    result: &ObjectiveResult,
    period: &Period,
    charts: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    write!(
        out,
        "\n### {}: {}\n\nTarget {}, measured {}.",
        cell(&result.service_title),
        cell(&objective_name(result, period)),
        cell(&result.target),
        cell(&result.measured)
    )?;
    if let Some(note) = &result.note {
        let mut note = cell(note);
        if let Some(first) = note.get(..1) {
            note.replace_range(..1, &first.to_uppercase());
        }
        write!(out, " {note}.")?;
    }
    writeln!(out)?;
    if let Some(availability) = &result.availability {
        write!(
            out,
            "\nMeasured time {}, downtime {} in {}, error budget {} of which {}% is spent",
            duration(availability.measured_seconds),
            duration(availability.downtime_seconds),
            plural(availability.outages.len(), "outage"),
            duration(
                availability
                    .error_budget_seconds
                    .value()
                    .round()
                    .to_i64()
                    .unwrap_or(0)
            ),
            availability.budget_spent_percent.value().normalize()
        )?;
        match &result.early_warning {
            Some(warning) if warning.reached => writeln!(
                out,
                "; the early warning at {}% is reached.",
                warning.threshold_percent.value().normalize()
            )?,
            Some(warning) => writeln!(
                out,
                "; below the early warning at {}%.",
                warning.threshold_percent.value().normalize()
            )?,
            None => writeln!(out, ".")?,
        }
        if let Some(stem) = charts {
            writeln!(
                out,
                "\n![Error budget spent over the period]({})",
                chart_name(stem, result, period)
            )?;
        }
    }
    write_breaches(result, out)
}

/// The tally of an objective's tickets and a table of the breached ones.
fn write_breaches(result: &ObjectiveResult, out: &mut dyn Write) -> io::Result<()> {
    let tally = &result.tally;
    if tally.total() == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}: {} met, {} breached, {} still open and not yet due.",
        plural(tally.total(), "ticket"),
        tally.met,
        tally.breached,
        tally.open
    )?;
    if tally.breached == 0 {
        return Ok(());
    }
    out.write_all(b"\n| ticket | line | opened | answered | business time | deadline |\n| --- | --- | --- | --- | --- | --- |\n")?;
    for ticket in result.tickets.iter() {
        let ticket = ticket?;
        if ticket.verdict != Verdict::Breached {
            continue;
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&ticket.id),
            ticket.line,
            instant(&ticket.opened_at),
            ticket.answered_at.as_ref().map_or("not yet".to_string(), instant),
            duration(ticket.business_seconds),
            instant(&ticket.deadline)
        )?;
    }
    Ok(())
}

fn write_bad_rows(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.bad_rows.is_empty() {
        return Ok(());
    }
    out.write_all(b"\n## Rows that could not be used\n\n| file | line | problem |\n| --- | --- | --- |\n")?;
    for row in report.bad_rows.iter() {
        let row = row?;
        writeln!(
            out,
            "| {} | {} | {} |",
            row.file.name(),
            row.line,
            cell(&row.problem)
        )?;
    }
    Ok(())
}

/// An SVG line chart of the error budget spent over the period, with the 100% line and the
/// early warning; `None` for objectives without availability data.
pub fn burn_chart(report: &Report, result: &ObjectiveResult) -> Option<String> {
    let availability = result.availability.as_ref()?;
    let (width, height, left, right, top, bottom) = (640.0, 320.0, 56.0, 16.0, 24.0, 40.0);
    let span = (report.period.to - report.period.from).num_seconds().max(1) as f64;
    let highest = availability
        .burn
        .iter()
        .map(|(_, spent)| spent.to_f64().unwrap_or(0.0))
        .fold(100.0_f64, f64::max)
        .ceil();
    let x = |t: &DateTime<Utc>| {
        left + (width - left - right) * ((*t - report.period.from).num_seconds() as f64 / span)
    };
    let y = |percent: f64| top + (height - top - bottom) * (1.0 - percent / highest);
    // Flat between outages, rising during each one.
    let mut points: Vec<String> = availability
        .burn
        .iter()
        .map(|(t, spent)| format!("{:.1},{:.1}", x(t), y(spent.to_f64().unwrap_or(0.0))))
        .collect();
    let last = availability
        .burn
        .last()
        .map_or(0.0, |(_, s)| s.to_f64().unwrap_or(0.0));
    points.push(format!("{:.1},{:.1}", x(&report.period.to), y(last)));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"
    );
    svg.push_str(&format!(
        "<title>Error budget spent: {} {} over {}</title>\n",
        xml(&result.service),
        xml(&result.objective),
        xml(&report.period.label)
    ));
    svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>\n",
        width - left - right,
        height - top - bottom
    ));
    let mut line = |percent: f64, label: String, colour: &str| {
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-dasharray=\"4 3\"/>\n<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\n",
            width - right,
            left - 4.0,
            y(percent) + 4.0,
            y = y(percent)
        ));
    };
    line(100.0, "100%".into(), "#c00");
    if highest > 100.0 {
        line(highest, format!("{highest}%"), "#ccc");
    }
    line(0.0, "0%".into(), "#999");
    if let Some(warning) = &result.early_warning {
        let percent = warning.threshold_percent.value().to_f64().unwrap_or(0.0);
        line(percent, format!("{percent}%"), "#e90");
    }
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#06c\" stroke-width=\"2\" points=\"{}\"/>\n",
        points.join(" ")
    ));
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"{}\">{}</text>\n<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
        height - 16.0,
        xml(&instant(&report.period.from)),
        width - right,
        height - 16.0,
        xml(&instant(&report.period.to))
    ));
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"16\">Error budget spent, {}% at the end of the period</text>\n</svg>\n",
        availability.budget_spent_percent.value().normalize()
    ));
    Some(svg)
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(5_400), "1 h 30 min");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(3_601), "1 h 0 min 1 s");
        assert_eq!(xml("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}
