//! `slac.toml`: which lints run and how severe they are, for the files below it.
//!
//! ```toml
//! [lint]
//! select = ["ALL"]                  # codes, prefixes or names; all lints by default
//! ignore = ["W304"]
//! severity = { W312 = "error", watermelon = "error", W319 = "off" }
//!
//! [[lint.per-path]]
//! paths = ["legacy/**/*.sla"]       # globs, relative to the folder of slac.toml
//! ignore = ["W312"]
//! severity = { W305 = "warning" }
//! ```
//!
//! The nearest `slac.toml` above a file applies to it. Unknown keys, bad values and unknown
//! codes are errors with spans in the TOML (E401, E402).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Code, Diagnostic, Severity, Span};
use crate::lint::{resolve_selector, suppress::unknown_selector};
use crate::source::{FileId, SourceMap};

pub const FILE_NAME: &str = "slac.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    lint: Option<LintSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LintSection {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(rename = "per-path")]
    per_path: Option<Vec<PerPathSection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PerPathSection {
    paths: Vec<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// What a configuration does with one lint: its severity, or `None` when it is off.
type Setting = Option<Severity>;

#[derive(Debug, Default, Clone)]
struct Rules {
    /// `Some`: only these lints run.
    select: Option<Vec<Code>>,
    ignore: Vec<Code>,
    severity: Vec<(Code, Setting)>,
}

impl Rules {
    fn apply(&self, code: Code, current: Setting) -> Setting {
        let mut setting = current;
        if let Some(select) = &self.select {
            setting = if select.contains(&code) {
                Some(setting.unwrap_or(code.default_severity()))
            } else {
                None
            };
        }
        if self.ignore.contains(&code) {
            setting = None;
        }
        for (selected, level) in &self.severity {
            if *selected == code {
                setting = *level;
            }
        }
        setting
    }
}

/// A loaded `slac.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    folder: PathBuf,
    base: Rules,
    per_path: Vec<(GlobSet, Rules)>,
}

impl Config {
    /// What this configuration makes of lint `code` in `file`: its severity, or `None` (off).
    pub fn setting(&self, file: &Path, code: Code) -> Option<Severity> {
        let mut setting = self.base.apply(code, Some(code.default_severity()));
        // Patterns are relative to the folder of slac.toml, whatever path the file was given by.
        let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let relative = absolute.strip_prefix(&self.folder).unwrap_or(&absolute);
        for (globs, rules) in &self.per_path {
            if globs.is_match(relative) {
                setting = rules.apply(code, setting);
            }
        }
        setting
    }
}

/// The nearest `slac.toml` in `folder` (a canonical path) or above it.
pub fn discover_from(folder: &Path) -> Option<PathBuf> {
    let found = folder
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())?;
    // Shown relative to the working folder, like the specs themselves.
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| found.strip_prefix(&cwd).ok().map(Path::to_path_buf));
    Some(relative.unwrap_or(found))
}

struct Loader<'a> {
    file: FileId,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Loader<'_> {
    fn span(value: &Spanned<String>) -> Span {
        let range = value.span();
        Span::new(range.start, range.end)
    }

    fn codes(&mut self, selectors: &[Spanned<String>]) -> Vec<Code> {
        let mut codes = Vec::new();
        for selector in selectors {
            match resolve_selector(selector.get_ref()) {
                Some(found) => codes.extend(found),
                None => self.diagnostics.push(unknown_selector(
                    self.file,
                    Self::span(selector),
                    selector.get_ref(),
                )),
            }
        }
        codes
    }

    fn rules(
        &mut self,
        select: Option<&Vec<Spanned<String>>>,
        ignore: Option<&Vec<Spanned<String>>>,
        severity: Option<&BTreeMap<Spanned<String>, Spanned<String>>>,
    ) -> Rules {
        let mut rules = Rules {
            select: select.map(|s| self.codes(s)),
            ignore: ignore.map(|s| self.codes(s)).unwrap_or_default(),
            severity: Vec::new(),
        };
        for (selector, level) in severity.into_iter().flatten() {
            let setting = match level.get_ref().as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "off" => None,
                other => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::E401,
                            self.file,
                            Self::span(level),
                            format!("`{other}` is not a severity"),
                        )
                        .label("expected `error`, `warning` or `off`")
                        .help("write `\"error\"`, `\"warning\"` or `\"off\"`"),
                    );
                    continue;
                }
            };
            for code in self.codes(std::slice::from_ref(selector)) {
                rules.severity.push((code, setting));
            }
        }
        rules
    }
}

/// Reads a `slac.toml` into `sources` (so its diagnostics can point into it) and loads it.
/// The configuration is `None` when the file cannot be used at all.
pub fn load(path: &Path, sources: &mut SourceMap) -> (Option<Config>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (file, read_problem) = match sources.load(path) {
        Ok(loaded) => loaded,
        Err(error) => {
            let id = sources.add(crate::source::display_path(path), path, String::new());
            let diagnostic = Diagnostic::error(
                Code::E401,
                id,
                Span::new(0, 0),
                format!("cannot read the configuration: {error}"),
            )
            .label("unreadable")
            .help("make the file readable, or remove it");
            return (None, vec![diagnostic]);
        }
    };
    if let Some(problem) = read_problem {
        return (None, vec![Diagnostic::unreadable(file, &problem)]);
    }
    let parsed: ConfigFile = match toml::from_str(sources.text(file)) {
        Ok(parsed) => parsed,
        Err(error) => {
            let span = error
                .span()
                .map(|r| Span::new(r.start, r.end))
                .unwrap_or_default();
            let message = error.message().trim().to_string();
            let diagnostic = Diagnostic::error(Code::E401, file, span, format!("invalid configuration: {message}"))
                .label("here")
                .help("the keys are `[lint]` with `select`, `ignore`, `severity` and `[[lint.per-path]]` with `paths`; see docs/lints.md");
            return (None, vec![diagnostic]);
        }
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = std::fs::canonicalize(&folder).unwrap_or(folder);
    let mut loader = Loader {
        file,
        diagnostics: &mut diagnostics,
    };
    let mut config = Config {
        folder,
        base: Rules::default(),
        per_path: Vec::new(),
    };
    if let Some(lint) = parsed.lint {
        config.base = loader.rules(lint.select.as_ref(), lint.ignore.as_ref(), lint.severity.as_ref());
        for section in lint.per_path.unwrap_or_default() {
            let mut builder = GlobSetBuilder::new();
            for pattern in &section.paths {
                match Glob::new(pattern.get_ref()) {
                    Ok(glob) => {
                        builder.add(glob);
                    }
                    Err(error) => loader.diagnostics.push(
                        Diagnostic::error(
                            Code::E401,
                            file,
                            Loader::span(pattern),
                            format!(
                                "`{}` is not a valid path pattern: {}",
                                pattern.get_ref(),
                                error.kind()
                            ),
                        )
                        .label("invalid pattern")
                        .help("write a glob relative to the folder of slac.toml, such as `legacy/**/*.sla`"),
                    ),
                }
            }
            let rules = loader.rules(
                section.select.as_ref(),
                section.ignore.as_ref(),
                section.severity.as_ref(),
            );
            match builder.build() {
                Ok(globs) => config.per_path.push((globs, rules)),
                Err(_) => continue,
            }
        }
    }
    (Some(config), diagnostics)
}
