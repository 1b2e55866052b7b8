//! `slac report`: an agreement evaluated against ticket and outage data for a period.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use crate::diagnostics::ColorMode;
use crate::report;
use crate::report::input::{RowReader, Rows};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ReportFormat {
    /// A summary table per service, then the details; burn charts beside `-o`.
    Markdown,
    /// Every number the verdicts used, per ticket and per outage.
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// The .sla file of the agreement.
    file: PathBuf,
    /// Tickets: id,service,priority,site,opened_at,first_response_at,resolved_at,paused_seconds.
    #[arg(long)]
    tickets: Option<PathBuf>,
    /// Outages: service,site,start,end.
    #[arg(long)]
    outages: Option<PathBuf>,
    /// A month (2026-10), a quarter (2026-Q3), or FROM..TO (dates, or RFC 3339 instants).
    #[arg(long)]
    period: String,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    format: ReportFormat,
    /// Where to write the report (atomically; Markdown burn charts are written beside it).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The agreement, where the file defines several.
    #[arg(long)]
    agreement: Option<String>,
    /// Refuse to report when a row of the data cannot be used.
    #[arg(long)]
    strict: bool,
    /// Judge a window the period covers only part of over that part (the report says so);
    /// without it such a period is refused.
    #[arg(long)]
    partial: bool,
}

/// The outages of `path`, all of them: an availability objective counts overlapping outages
/// once, in the order they started, whatever the order of the file.
fn read_outages(path: &Option<PathBuf>) -> Result<Rows<report::Outage>, String> {
    match path {
        None => Ok((Vec::new(), Vec::new())),
        Some(path) => report::input::outages(open(path)?).map_err(|e| format!("`{}`: {e}", path.display())),
    }
}

/// The tickets of `path`, read one at a time while the report is evaluated.
fn ticket_rows(path: &Option<PathBuf>) -> Result<Option<RowReader<File, report::Ticket>>, String> {
    path.as_ref()
        .map(|path| report::input::ticket_rows(open(path)?).map_err(|e| format!("`{}`: {e}", path.display())))
        .transpose()
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

pub(super) fn report(args: ReportArgs, color: ColorMode) -> Result<ExitCode, String> {
    if args.tickets.is_none() && args.outages.is_none() {
        return Err("give the data to judge by: `--tickets FILE.csv`, `--outages FILE.csv` or both".into());
    }
    let args = ReportArgs {
        file: super::one_spec(&args.file)?,
        ..args
    };
    let named = [Some(&args.file), args.tickets.as_ref(), args.outages.as_ref()];
    super::refuse_input_as_output(
        args.output.as_deref(),
        named.into_iter().flatten().map(PathBuf::as_path),
    )?;
    let period = report::parse_period(&args.period)?;
    let Some(checked) = super::checked_without_errors(std::slice::from_ref(&args.file), color)? else {
        return Ok(ExitCode::from(1));
    };
    let program = checked
        .roots
        .first()
        .and_then(|root| checked.program(*root))
        .ok_or_else(|| format!("`{}` is not an .sla file", args.file.display()))?;
    super::refuse_input_as_output(
        args.output.as_deref(),
        checked.sources.ids().map(|id| checked.sources.path(id)),
    )?;
    let agreement = super::one_agreement(&program.agreements, args.agreement.as_deref(), &args.file)?;
    if let Some(problem) = report::credit_window_mismatch(agreement) {
        return Err(problem);
    }
    if let (false, Some(problem)) = (args.partial, report::refusal(agreement, &period)) {
        return Err(problem);
    }
    let (outages, bad_outages) = read_outages(&args.outages)?;
    let tickets = ticket_rows(&args.tickets)?;
    let report = report::evaluate(
        agreement,
        tickets.into_iter().flatten(),
        &outages,
        bad_outages,
        &period,
    )
    .map_err(|e| format!("cannot keep the verdicts in a temporary file: {e}"))?;
    warn_of_bad_rows(&report, args.strict)?;
    if args.strict && !report.bad_rows.is_empty() {
        eprintln!(
            "error: nothing was written, because {} rows could not be used (--strict)",
            report.bad_rows.len()
        );
        return Ok(ExitCode::from(1));
    }
    let stem = args
        .output
        .as_ref()
        .and_then(|o| o.file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let write = |out: &mut dyn Write| match args.format {
        ReportFormat::Json => report::write_json(&report, out),
        ReportFormat::Markdown => report::write_markdown(&report, stem.as_deref(), out),
    };
    match &args.output {
        Some(path) => {
            if args.format == ReportFormat::Markdown {
                write_charts(&report, path, stem.as_deref().unwrap_or("report"))?;
            }
            crate::output::write_with(path, write)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
        None => match crate::output::write_with(Path::new("-"), write) {
            // A closed pipe (`slac report … | head`) is not an error worth reporting.
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                return Err(format!("cannot write to standard output: {e}"))
            }
            _ => {}
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Each row that could not be used, on standard error: a warning, or an error under `--strict`.
fn warn_of_bad_rows(report: &report::Report, strict: bool) -> Result<(), String> {
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    let severity = if strict { "error" } else { "warning" };
    for row in report.bad_rows.iter() {
        let row = row.map_err(|e| format!("cannot read back the rows that could not be used: {e}"))?;
        let _ = writeln!(
            stderr,
            "{severity}: {} line {}: {}",
            row.file.name(),
            row.line,
            crate::text::visible_line(&row.problem)
        );
    }
    let _ = stderr.flush();
    Ok(())
}

/// The burn chart of every availability objective, beside the report.
fn write_charts(report: &report::Report, path: &Path, stem: &str) -> Result<(), String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for result in &report.objectives {
        if let Some(svg) = report::burn_chart(report, result) {
            let target = folder.join(report::chart_name(stem, result, &report.period));
            crate::output::write(&target, svg.as_bytes())
                .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
        }
    }
    Ok(())
}
