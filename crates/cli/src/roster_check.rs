//! `invite-desk roster check`: the roster report as text or as the stable JSON contract.

use std::path::Path;

use invite_desk_engine::AppError;
use invite_desk_engine::roster::{
    self, Person, Problem, ReadOptions, RosterReport, Severity, Summary,
};
use serde::Serialize;

/// The `--json` contract (README, "roster check"): exactly these three keys.
#[derive(Serialize)]
struct CheckJson<'a> {
    summary: &'a Summary,
    people: &'a [Person],
    problems: &'a [Problem],
}

pub fn run(file: &Path, sheet: Option<String>, json: bool) -> Result<(), AppError> {
    let bytes = read_input(file)?;
    let options = ReadOptions {
        sheet,
        mapping: None,
    };
    // Text only reports: the valid people are counted, not kept.
    let report = if json {
        roster::read_bytes(&bytes, &options)?
    } else {
        roster::check_bytes(&bytes, &options)?
    };
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
