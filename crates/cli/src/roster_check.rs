//! `invite-desk roster check`: the roster report as text or as the stable JSON contract.

use std::path::Path;

use invite_desk_engine::AppError;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::roster::{
    self, Person, Problem, ReadOptions, RosterReport, Severity, Summary,
};
use invite_desk_engine::template::{CompiledTemplates, Known, LinkKind, MessageKind, Template};
use serde::Serialize;

/// The `--json` contract (README, "roster check"): exactly these three keys.
#[derive(Serialize)]
struct CheckJson<'a> {
    summary: &'a Summary,
    people: &'a [Person],
    problems: &'a [Problem],
}

/// What people's languages are checked against.
pub struct Wording {
    pub template: Option<std::path::PathBuf>,
    pub template_name: Option<String>,
    pub language: String,
}

impl Wording {
    fn compiled(&self, paths: &AppPaths) -> Result<CompiledTemplates, AppError> {
        let template = match (&self.template, &self.template_name) {
            (Some(path), _) => crate::mail::template_file(path)?,
            (None, Some(name)) => {
                invite_desk_engine::service::saved_template_in(&paths.data_dir, name)?.template()
            }
            (None, None) => Template::builtin(
                MessageKind::Invitation,
                LinkKind::PasswordChange,
                Known::default(),
            ),
        };
        CompiledTemplates::compile(&template, &self.language)
    }
}

pub fn run(
    file: &Path,
    sheet: Option<String>,
    json: bool,
    wording: &Wording,
    paths: &AppPaths,
) -> Result<(), AppError> {
    let bytes = read_input(file)?;
    let options = ReadOptions {
        sheet,
        mapping: None,
    };
    let templates = wording.compiled(paths)?;
    // Text only reports: the valid people are counted, not kept, unless their languages are to be
    // checked (a list with a language column).
    let mut report = if json {
        roster::read_bytes(&bytes, &options)?
    } else {
        let counted = roster::check_bytes(&bytes, &options)?;
        if counted
            .source
            .columns
            .iter()
            .any(|c| c.role == roster::ColumnRole::Locale)
        {
            roster::read_bytes(&bytes, &options)?
        } else {
            counted
        }
    };
    let languages = invite_desk_engine::languages::row_warnings(&report.people, &templates);
    if !languages.is_empty() {
        report.summary.warnings += languages.len() as u64;
        report.problems.extend(languages);
        report.problems.sort_by_key(|p| p.line);
    }
    tracing::info!(
        rows = report.summary.rows,
        valid = report.summary.valid,
        "roster checked"
    );
    if json {
        crate::print_json(&CheckJson {
            summary: &report.summary,
            people: &report.people,
            problems: &report.problems,
        })?;
    } else {
        print_text(file, &report);
    }
    // A long list's report is not taken apart piece by piece on the way out: the process ends.
    std::mem::forget(report);
    std::mem::forget(bytes);
    Ok(())
}

/// A people list from a file or standard input (`-`), within the size every reader of lists keeps.
pub fn read_input(file: &Path) -> Result<Vec<u8>, AppError> {
    let limit = invite_desk_engine::roster::MAX_LIST_BYTES;
    if file.as_os_str() == "-" {
        invite_desk_engine::files::read_limited(std::io::stdin().lock(), limit, "people list")
    } else {
        invite_desk_engine::files::read_regular_file(file, limit, "people list")
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn print_text(file: &Path, report: &RosterReport) {
    let s = &report.summary;
    let source = &report.source;
    let mut how: Vec<String> = Vec::new();
    how.extend(source.encoding.clone());
    how.extend(source.delimiter.as_deref().map(|d| match d {
        "none" => "one column".to_owned(),
        d => format!("{d}-separated"),
    }));
    how.extend(
        source
            .sheet
            .as_ref()
            .map(|name| format!("sheet \"{name}\"")),
    );
    how.push(if source.has_header {
        "with a header row".into()
    } else {
        "no header row".into()
    });
    println!(
        "{}: {}, {} valid, {} left out, {}  ({})",
        if file.as_os_str() == "-" {
            "standard input".into()
        } else {
            file.display().to_string()
        },
        plural(s.rows, "entry", "entries"),
        s.valid,
        s.errors,
        plural(s.warnings, "warning", "warnings"),
        how.join(", ")
    );
    for problem in &report.problems {
        let severity = match problem.severity {
            Severity::Error => "error  ",
            Severity::Warning => "warning",
        };
        let field = problem
            .field
            .as_deref()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        println!(
            "line {:<6} {severity} {field}{}",
            problem.line, problem.message
        );
    }
}
