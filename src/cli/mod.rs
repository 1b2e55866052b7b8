//! The command line: argument parsing and output, over the library API. Exit codes: 0 no
//! errors, 1 errors found, 2 usage or input problems.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    },
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
        Command::Check { paths, format, color } => check(paths, format, color.into()),
        Command::Build {
            file,
            emit,
            output,
            agreement,
            color,
        } => build(file, emit, output, agreement, color.into()),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&ir::json_schema()).map_err(|e| e.to_string())?;
            print_stdout(&format!("{schema}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => explain(&code),
    }
}

fn print_stdout(text: &str) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        // A closed pipe (`slac schema | head`) is not an error worth reporting.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

fn report(checked: &Checked, format: Format, color: ColorMode) -> Result<(), String> {
    match format {
        Format::Human => {
            diagnostics::render_human(&checked.sources, &checked.diagnostics, color)
                .map_err(|e| format!("cannot write to standard error: {e}"))?;
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = checked.diagnostics.len() - errors;
            let files = checked.files_checked();
            let noun = if files == 1 { "file" } else { "files" };
            if checked.diagnostics.is_empty() {
                eprintln!("checked {files} {noun}: no problems found");
            } else {
                eprintln!(
                    "checked {files} {noun}: {errors} error{}, {warnings} warning{}",
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                );
            }
        }
        Format::Short => eprint!(
            "{}",
            diagnostics::render_short(&checked.sources, &checked.diagnostics)
        ),
        Format::Json => print_stdout(&diagnostics::render_json(
            &checked.sources,
            &checked.diagnostics,
            checked.files_checked(),
        ))?,
    }
    Ok(())
}

fn exit_for(checked: &Checked) -> ExitCode {
    if checked.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(paths: Vec<PathBuf>, format: Format, color: ColorMode) -> Result<ExitCode, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let checked = crate::check(&paths).map_err(|e| e.to_string())?;
    report(&checked, format, color)?;
    Ok(exit_for(&checked))
}

fn build(
    file: PathBuf,
    emit_format: Emit,
    output: Option<PathBuf>,
    agreement: Option<String>,
    color: ColorMode,
) -> Result<ExitCode, String> {
    let checked = crate::check(std::slice::from_ref(&file)).map_err(|e| e.to_string())?;
    if checked.has_errors() {
        report(&checked, Format::Human, color)?;
        eprintln!(
            "error: nothing was written, because `{}` has errors",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    let root = checked
        .roots
        .first()
        .copied()
        .ok_or_else(|| format!("`{}` is not an .sla file", file.display()))?;
    let mut program = checked
        .program(root)
        .cloned()
        .ok_or_else(|| format!("`{}` produced no output", file.display()))?;
    if let Some(wanted) = agreement {
        let known: Vec<String> = program.agreements.iter().map(|a| a.id.clone()).collect();
        program.agreements.retain(|a| a.id == wanted);
        if program.agreements.is_empty() {
            return Err(format!(
                "`{}` defines no agreement `{wanted}`; it defines {}",
                file.display(),
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let text = match emit_format {
        Emit::Json => emit::json(&program),
    };
    match output {
        Some(path) => emit::write_atomically(&path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?,
        None => print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
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

/// The text `slac explain CODE` prints.
pub fn explanation(code: Code) -> String {
    let docs = code.docs();
    let indent = |text: &str| text.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "{code}: {title} ({severity})\n\n## What it means\n{what}\n\n## Why it matters\n{why}\n\n## Example\n{example}\n## Write instead\n{instead}",
        code = code.as_str(),
        title = code.title(),
        severity = code.default_severity().as_str(),
        what = docs.what,
        why = docs.why,
        example = indent(docs.example),
        instead = indent(docs.instead),
    )
}
