//! The command line: argument parsing and output, over the library API. Exit codes: 0 no
//! errors, 1 errors found, 2 usage or input problems.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

mod calendar;
mod diff;
mod fmt;
mod report;

use crate::batches::Totals;
use crate::diagnostics::{self, Code, ColorMode};
use crate::{emit, ir, Checked};

const CHECK_EXAMPLES: &str = "\
Examples:
  slac check                       check every .sla file under the current folder
  slac check examples/ billing.sla  check folders and files
  slac check --format short .      one line per problem, for pre-commit hooks
  slac check --format json . > diagnostics.json";

const BUILD_EXAMPLES: &str = "\
Examples:
  slac build hosting.sla --emit json               print the validated form
  slac build hosting.sla --emit json -o hosting.json
  slac build tiers.sla --emit json --agreement gold-hosting";

const DIFF_EXAMPLES: &str = "\
Examples:
  slac diff old/hosting.sla hosting.sla          compare two files
  slac diff --against main                        the working tree against the main branch
  slac diff --against origin/main --format markdown > sla-changes.md
  slac diff --against main --fail-on weakened     in CI: exit 1 if less is promised";

const CALENDAR_EXAMPLES: &str = "\
Examples:
  slac calendar elapsed hosting.sla --calendar support-hours \\
      --from 2026-10-09T15:00:00+02:00 --to 2026-10-12T10:00:00+02:00
  slac calendar deadline hosting.sla --calendar support-hours \\
      --from 2026-10-09T15:00:00+02:00 --add 4h --format json
  slac calendar deadline tiers.sla --calendar vps-tiers.office \\
      --from 2026-10-09T15:00:00+02:00 --add '2 business days'";

const REPORT_EXAMPLES: &str = "\
Examples:
  slac report hosting.sla --tickets tickets.csv --outages outages.csv --period 2026-10
  slac report hosting.sla --tickets tickets.csv --period 2026-Q3 -o reports/2026-Q3.md
  slac report hosting.sla --outages outages.csv --period 2026-10-01..2026-10-15 --format json";

const FMT_EXAMPLES: &str = "\
Examples:
  slac fmt                  format every .sla file under the current folder
  slac fmt --check .        in CI: show a diff and exit 1 if a file is not formatted
  slac fmt - < spec.sla     format standard input to standard output";

#[derive(Debug, Parser)]
#[command(
    name = "slac",
    version,
    about = "SLA-as-code compiler and linter: checks .sla agreements and emits their validated form",
    after_help = "Run `slac explain CODE` to learn about a diagnostic, such as `slac explain E201`."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check .sla files and report every problem.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// Files or folders (searched for *.sla); the current folder by default.
        paths: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// When to colour human output (auto: only on a terminal, and not with NO_COLOR).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// The date reviews and expiry are judged against (YYYY-MM-DD); today by default.
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Make warnings fail the run (exit 1), as errors do.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// Human and short output stop after this many diagnostics, and say how many more
        /// there are; JSON, SARIF and GitHub output carry them all.
        #[arg(long, default_value_t = MAX_DIAGNOSTICS)]
        max_diagnostics: usize,
        /// Let imports leave the project (the nearest folder with slac.toml or .git).
        #[arg(long)]
        allow_outside: bool,
    },
    /// List the lint rules: code, name, default severity and what each checks.
    Rules,
    /// Compile one file and write an output format.
    #[command(after_help = BUILD_EXAMPLES)]
    Build {
        /// The .sla file to compile.
        file: PathBuf,
        /// The output format.
        #[arg(long, value_enum)]
        emit: Emit,
        /// Where to write the output (written atomically); standard output by default.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Only this agreement, where the file defines several.
        #[arg(long)]
        agreement: Option<String>,
        /// When to colour diagnostics (auto: only on a terminal, and not with NO_COLOR).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// A generation date to print in a document (YYYY-MM-DD); documents carry no date
        /// otherwise, so that they are reproducible.
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Rewrite .sla files in the canonical layout, keeping every comment.
    #[command(after_help = FMT_EXAMPLES)]
    Fmt {
        /// Files or folders (searched for *.sla), or `-` for standard input; the current
        /// folder by default.
        paths: Vec<PathBuf>,
        /// Change nothing: print a unified diff of what would change, and exit 1 if a file is
        /// not formatted.
        #[arg(long)]
        check: bool,
        /// When to colour diagnostics (auto: only on a terminal, and not with NO_COLOR).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Compare two versions of the specs and classify each change from the customer's side.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff {
        /// OLD and NEW (files or folders); with --against, the paths to compare (the current
        /// folder by default).
        paths: Vec<PathBuf>,
        /// Compare the working tree against this git revision (a branch, tag or commit).
        #[arg(long, value_name = "REV")]
        against: Option<String>,
        /// How to print the changes.
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// Exit 1 when a commitment is weakened.
        #[arg(long, value_enum)]
        fail_on: Option<diff::FailOn>,
        /// When to colour diagnostics (auto: only on a terminal, and not with NO_COLOR).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Business-time arithmetic on a calendar of a spec.
    #[command(after_help = CALENDAR_EXAMPLES)]
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCommand,
        /// When to colour diagnostics (auto: only on a terminal, and not with NO_COLOR).
        #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
        color: Color,
    },
    /// Evaluate an agreement against ticket and outage data for a period.
    #[command(after_help = REPORT_EXAMPLES)]
    Report {
        #[command(flatten)]
        args: report::ReportArgs,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Print the JSON Schema of the IR that `build --emit json` writes.
    Schema,
    /// Explain a diagnostic code: what it means, an example, and what to write instead.
    Explain {
        /// A code such as E201.
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Compiler-style messages with source snippets, to standard error.
    Human,
    /// One line per problem, `file:line:col: error[CODE]: message`, to standard error.
    Short,
    /// A versioned JSON document, to standard output.
    Json,
    /// A SARIF 2.1.0 log, to standard output (for code-scanning tools).
    Sarif,
    /// GitHub Actions workflow commands, to standard output (annotations on pull requests).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    /// Warnings fail the run.
    Warnings,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date such as 2026-01-31"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for ColorMode {
    fn from(color: Color) -> Self {
        match color {
            Color::Auto => ColorMode::Auto,
            Color::Always => ColorMode::Always,
            Color::Never => ColorMode::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The validated intermediate form (see `slac schema`).
    Json,
    /// The contract document of one agreement, in Markdown.
    Markdown,
    /// The contract document of one agreement, as a self-contained HTML page to print to PDF.
    Html,
    /// Prometheus recording and alerting rules for every objective with a Prometheus binding.
    Prometheus,
    /// OpenSLO v1 documents (Service, SLI, SLO, AlertPolicy, AlertCondition) for the same.
    Openslo,
}

/// Parses the arguments and runs the command; returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check {
            paths,
            format,
            color,
            today,
            deny,
            max_diagnostics,
            allow_outside,
        } => {
            let options = CheckOptions {
                format,
                color: color.into(),
                today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
                deny_warnings: deny.is_some(),
                allow_outside,
                max_diagnostics,
            };
            check(paths, &options)
        }
        Command::Rules => {
            print_stdout(&rules_table())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            file,
            emit,
            output,
            agreement,
            color,
            today,
        } => build(file, emit, output, agreement, color.into(), today),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&ir::json_schema()).map_err(|e| e.to_string())?;
            print_stdout(&format!("{schema}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => explain(&code),
        Command::Fmt { paths, check, color } => fmt::fmt(paths, check, color.into()),
        Command::Calendar { command, color } => calendar::calendar(command, color.into()),
        Command::Report { args, color } => report::report(args, color.into()),
        Command::Diff {
            paths,
            against,
            format,
            fail_on,
            color,
        } => diff::diff(paths, against, format, fail_on, color.into()),
    }
}

/// Writes `text` to standard output (see `write_stdout_with`).
fn print_stdout(text: &str) -> Result<(), String> {
    write_stdout_with(|out| out.write_all(text.as_bytes()))
}

/// How many diagnostics human and short output show unless `--max-diagnostics` says.
const MAX_DIAGNOSTICS: usize = 200;

/// Prints the diagnostics of a command that needed the IR and found errors, as `slac check`
/// does by default: the first [`MAX_DIAGNOSTICS`], how many more there are, and the summary.
fn report(checked: &Checked, color: ColorMode) -> Result<(), String> {
    let shown = &checked.diagnostics[..checked.diagnostics.len().min(MAX_DIAGNOSTICS)];
    diagnostics::render_human(&checked.sources, shown, color)
        .map_err(|e| format!("cannot write to standard error: {e}"))?;
    left_out(checked.diagnostics.len() - shown.len());
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    summary(&Totals {
        files: checked.files_checked(),
        errors,
        warnings: checked.diagnostics.len() - errors,
    });
    Ok(())
}

/// After human and short output: how many diagnostics `--max-diagnostics` left out.
fn left_out(hidden: usize) {
    if hidden > 0 {
        eprintln!(
            "{hidden} more diagnostic{} not shown; raise --max-diagnostics to see them",
            if hidden == 1 { " is" } else { "s are" }
        );
    }
}

/// The last line of human output.
fn summary(totals: &Totals) {
    let Totals {
        files,
        errors,
        warnings,
    } = *totals;
    let noun = if files == 1 { "file" } else { "files" };
    if errors + warnings == 0 {
        eprintln!("checked {files} {noun}: no problems found");
    } else {
        eprintln!(
            "checked {files} {noun}: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
}

/// `slac check`, in every format, through one engine: the files are checked in batches
/// (`crate::batches`) and each file's diagnostics handed over as soon as they are known, so
/// memory stays bounded however many files there are. Human, short and GitHub output is
/// written as it comes; JSON and SARIF are one document each, put together from the
/// diagnostics as they come and written at the end.
fn check_in_batches(paths: &[PathBuf], options: &CheckOptions) -> Result<ExitCode, String> {
    let CheckOptions {
        format,
        color,
        today,
        deny_warnings,
        allow_outside,
        max_diagnostics,
    } = *options;
    let mut shown = 0;
    let mut hidden = 0;
    let mut items = diagnostics::Items::default();
    let mut emit =
        |sources: &crate::source::SourceMap, found: &[diagnostics::Diagnostic]| -> io::Result<()> {
            match format {
                Format::Github => return write_stdout(&diagnostics::render_github(sources, found)),
                Format::Json => {
                    found
                        .iter()
                        .for_each(|d| items.push(&diagnostics::json_item(sources, d)));
                    return Ok(());
                }
                Format::Sarif => {
                    found
                        .iter()
                        .for_each(|d| items.push(&diagnostics::sarif_result(sources, d)));
                    return Ok(());
                }
                Format::Human | Format::Short => {}
            }
            let now = &found[..found.len().min(max_diagnostics.saturating_sub(shown))];
            shown += now.len();
            hidden += found.len() - now.len();
            match format {
                Format::Human => diagnostics::render_human(sources, now, color),
                _ => io::stderr()
                    .lock()
                    .write_all(diagnostics::render_short(sources, now).as_bytes()),
            }
        };
    let totals = crate::batches::check_in_batches(
        paths,
        allow_outside,
        today,
        crate::batches::BATCH_FILES,
        &mut emit,
    )
    .map_err(|e| e.to_string())?;
    match format {
        Format::Json => write_stdout_with(|out| {
            let Totals {
                files,
                errors,
                warnings,
            } = totals;
            diagnostics::write_json_document(items, files, errors, warnings, out)
        })?,
        Format::Sarif => write_stdout_with(|out| diagnostics::write_sarif_log(items, docs, out))?,
        Format::Human | Format::Short => left_out(hidden),
        Format::Github => {}
    }
    if format == Format::Human {
        summary(&totals);
    }
    let fails = totals.errors > 0 || (deny_warnings && totals.warnings > 0);
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes to standard output through `write`, buffered; a closed pipe (`slac schema | head`)
/// is not an error worth reporting.
fn write_stdout_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Writes to standard output; a closed pipe (`slac check --format github | head`) is not an
/// error worth reporting.
fn write_stdout(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

/// What `slac check` was asked for, besides the paths.
#[derive(Clone, Copy)]
struct CheckOptions {
    format: Format,
    color: ColorMode,
    today: NaiveDate,
    deny_warnings: bool,
    allow_outside: bool,
    max_diagnostics: usize,
}

fn check(paths: Vec<PathBuf>, options: &CheckOptions) -> Result<ExitCode, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    check_in_batches(&paths, options)
}

/// The one agreement a command is about: `wanted`, or the only one `file` defines.
fn one_agreement<'a>(
    agreements: &'a [ir::Agreement],
    wanted: Option<&str>,
    file: &std::path::Path,
) -> Result<&'a ir::Agreement, String> {
    let known: Vec<String> = agreements.iter().map(|a| format!("`{}`", a.id)).collect();
    let known = if known.is_empty() {
        "none".to_string()
    } else {
        known.join(", ")
    };
    match wanted {
        Some(wanted) => agreements.iter().find(|a| a.id == wanted).ok_or_else(|| {
            format!(
                "`{}` defines no agreement `{wanted}`; it defines {known}",
                file.display()
            )
        }),
        None => match agreements {
            [agreement] => Ok(agreement),
            _ => Err(format!(
                "`{}` defines {known}: choose one with --agreement",
                file.display()
            )),
        },
    }
}

/// Checks `paths` for a command that needs their IR: `None` after printing their errors.
fn checked_without_errors(paths: &[PathBuf], color: ColorMode) -> Result<Option<Checked>, String> {
    let checked = crate::check(paths).map_err(|e| e.to_string())?;
    if !checked.has_errors() {
        return Ok(Some(checked));
    }
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    diagnostics::render_human(&checked.sources, &errors, color)
        .map_err(|e| format!("cannot write to standard error: {e}"))?;
    Ok(None)
}

/// The text `slac rules` prints: one line per lint rule.
pub fn rules_table() -> String {
    let mut out = format!(
        "{:<5} {:<8} {:<32} {}\n",
        "code", "severity", "name", "what it checks"
    );
    for rule in crate::lint::rules() {
        let code = rule.code;
        out.push_str(&format!(
            "{:<5} {:<8} {:<32} {}\n",
            code.as_str(),
            code.default_severity().as_str(),
            code.name(),
            code.title()
        ));
    }
    out
}

fn build(
    file: PathBuf,
    emit_format: Emit,
    output: Option<PathBuf>,
    agreement: Option<String>,
    color: ColorMode,
    today: Option<NaiveDate>,
) -> Result<ExitCode, String> {
    let file = one_spec(&file)?;
    refuse_input_as_output(output.as_deref(), [file.as_path()])?;
    let checked = crate::check(std::slice::from_ref(&file)).map_err(|e| e.to_string())?;
    if checked.has_errors() {
        report(&checked, color)?;
        eprintln!(
            "error: nothing was written, because `{}` or a file it imports has errors",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    refuse_input_as_output(
        output.as_deref(),
        checked.sources.ids().map(|id| checked.sources.path(id)),
    )?;
    let root = checked
        .roots
        .first()
        .copied()
        .ok_or_else(|| format!("`{}` is not an .sla file", file.display()))?;
    let program = checked
        .document(root, agreement.as_deref())
        .ok_or_else(|| format!("`{}` produced no output", file.display()))?;
    let known: Vec<String> = checked
        .program(root)
        .map(|p| p.agreements.iter().map(|a| format!("`{}`", a.id)).collect())
        .unwrap_or_default();
    if let (Some(wanted), true) = (&agreement, program.agreements.is_empty()) {
        return Err(format!(
            "`{}` defines no agreement `{wanted}`; it defines {}",
            file.display(),
            known.join(", ")
        ));
    }
    let text = match emit_format {
        Emit::Json => emit::json(&program),
        Emit::Prometheus => {
            let rules = emit::prometheus(&program.agreements);
            for note in &rules.notes {
                eprintln!("warning: {note}");
            }
            rules.text
        }
        Emit::Openslo => {
            let documents = emit::openslo(&program.agreements);
            for note in &documents.notes {
                eprintln!("warning: {note}");
            }
            documents.text
        }
        Emit::Markdown | Emit::Html => {
            let [agreement] = program.agreements.as_slice() else {
                return Err(format!(
                    "a contract document is about one agreement, and `{}` defines {}: choose one with --agreement",
                    file.display(),
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            };
            let underpinning = underpinning_beside(&file, agreement);
            if emit_format == Emit::Html {
                crate::html_document(&checked, root, agreement, &underpinning, today)
            } else {
                crate::markdown_document(&checked, root, agreement, &underpinning, today)
            }
        }
    };
    match output {
        Some(path) => crate::output::write(&path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?,
        None => print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The agreements under the folder of `file` that underpin `agreement`, for its document; those
/// that say so but have errors are named in a warning and left out.
fn underpinning_beside(file: &Path, agreement: &crate::ir::Agreement) -> Vec<crate::ir::Agreement> {
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (found, broken) = crate::underpinning(folder, &[agreement.id.as_str()]);
    for path in broken {
        eprintln!(
            "warning: `{}` may underpin `{}` but has errors, so the document does not list it",
            crate::text::visible_line(&path.display().to_string()),
            agreement.id
        );
    }
    found
}

/// The one spec a command about one spec works on: `path` itself, or the only `.sla` file in
/// the folder `path`. A folder of several is a usage error that names them, never "the first".
pub(crate) fn one_spec(path: &Path) -> Result<PathBuf, String> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let files = crate::workspace::sla_files(&[path.to_path_buf()]).map_err(|e| e.to_string())?;
    match files.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("`{}` holds no .sla file: name a spec", path.display())),
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(10)
                .map(|f| format!("`{}`", f.display()))
                .collect();
            let more = if many.len() > 10 {
                format!(" and {} more", many.len() - 10)
            } else {
                String::new()
            };
            Err(format!(
                "`{}` holds {} specs ({}{more}): name the one to use",
                path.display(),
                many.len(),
                shown.join(", ")
            ))
        }
    }
}

/// Refuses an output that is one of the inputs (by another name, a link or `..` too): writing
/// it would destroy what was read.
pub(crate) fn refuse_input_as_output<'a>(
    output: Option<&Path>,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    let Some(output) = output else {
        return Ok(());
    };
    match inputs
        .into_iter()
        .find(|input| crate::output::same_file(output, input))
    {
        Some(input) => Err(format!(
            "`-o {}` is `{}`, an input of this run: name another file, so the input is not overwritten",
            crate::text::visible_line(&output.display().to_string()),
            crate::text::visible_line(&input.display().to_string())
        )),
        None => Ok(()),
    }
}

fn explain(code: &str) -> Result<ExitCode, String> {
    let Some(code) = Code::parse(code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        return Err(format!(
            "unknown code `{code}`; the codes are {}",
            known.join(", ")
        ));
    };
    print_stdout(&explanation(code))?;
    Ok(ExitCode::SUCCESS)
}

/// The documentation of any code: errors from the diagnostics registry, lints from their rule.
pub fn docs(code: Code) -> Option<crate::diagnostics::CodeDocs> {
    code.error_docs()
        .or_else(|| crate::lint::rule(code).map(|r| r.docs))
}

/// The text `slac explain CODE` prints.
/// The page of `docs/codes/` for `code`: what `slac explain` prints, as Markdown.
pub fn code_page(code: Code) -> String {
    let docs = docs(code).unwrap_or(crate::diagnostics::CodeDocs {
        what: code.title(),
        why: "",
        example: "",
        instead: "",
    });
    let block = |text: &str| format!("```text\n{}\n```", text.trim_end());
    format!(
        "# {code} `{name}`: {title}\n\n{severity} by default. `slac explain {code}` prints this page; [all codes](../codes.md).\n\n\
         ## What it means\n\n{what}\n\n## Why it matters\n\n{why}\n\n## Example\n\n{example}\n\n## Write instead\n\n{instead}\n",
        code = code.as_str(),
        name = code.name(),
        title = code.title(),
        severity = match code.default_severity() {
            crate::diagnostics::Severity::Error => "An error",
            crate::diagnostics::Severity::Warning => "A warning",
        },
        what = docs.what,
        why = docs.why,
        example = block(docs.example),
        instead = block(docs.instead),
    )
}

pub fn explanation(code: Code) -> String {
    let docs = docs(code).unwrap_or(crate::diagnostics::CodeDocs {
        what: code.title(),
        why: "",
        example: "",
        instead: "",
    });
    let indent = |text: &str| text.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "{code} {name}: {title} ({severity})\n\n## What it means\n{what}\n\n## Why it matters\n{why}\n\n## Example\n{example}\n## Write instead\n{instead}",
        code = code.as_str(),
        name = code.name(),
        title = code.title(),
        severity = code.default_severity().as_str(),
        what = docs.what,
        why = docs.why,
        example = indent(docs.example),
        instead = indent(docs.instead),
    )
}
