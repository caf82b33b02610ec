//! Per-person results of a batch, from the journal, and their export as CSV or JSON. The export is a
//! record an admin keeps: it has no link (links are bearer secrets and never stored) and every cell a
//! spreadsheet would run as a formula is neutralized.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppError;
use crate::journal::{DeliveredAs, PersonErrorCode, PersonRecord, PersonState, Unsettled};
use crate::roster::Person;

/// The outcome scripts branch on (`--results` CSV `status` column).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ResultStatus {
    /// Ticket issued and the invitation delivered (sent, written, exported).
    Invited,
    /// Already in the tenant; the policy said skip.
    Skipped,
    /// Already in the tenant; roles/metadata granted, no invitation.
    Granted,
    /// Anything else: an error, a mail that may not have gone out, or not run yet.
    Failed,
}

impl ResultStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonResult {
    pub email: String,
    pub status: ResultStatus,
    pub user_id: Option<String>,
    /// A human explanation when `status` is `failed`.
    pub error: Option<String>,
    pub error_code: Option<PersonErrorCode>,
    pub line: u64,
    /// The journal's state (finer than `status`).
    pub state: PersonState,
    pub link_expires_at: Option<String>,
    /// What happened, in the words the app and History use: "sent", "written to outbox",
    /// "link exported", "not started", "failed"…
    pub result: String,
    /// The list's own columns, so a results file can be matched back to it.
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The full name as the list gave it (a list with one name column has no split names).
    pub name: Option<String>,
}

/// A person's result: `person` is their row in the batch file (for the list's own columns), and
/// `delivered` how the batch delivers (for the words).
pub fn person_result(
    record: &PersonRecord,
    person: Option<&Person>,
    delivered: Option<DeliveredAs>,
) -> PersonResult {
    let (status, error_code, error) = match record.state {
        PersonState::Delivered => (ResultStatus::Invited, None, None),
        PersonState::Skipped => (ResultStatus::Skipped, None, None),
        PersonState::Granted => (ResultStatus::Granted, None, None),
        PersonState::Failed | PersonState::Unconfirmed => (
            ResultStatus::Failed,
            record.error_code,
            record.error_message.clone(),
        ),
        _ => (
            ResultStatus::Failed,
            Some(Unsettled::NotFinished.into()),
            Some(format!(
                "not finished ({}): resume the batch",
                record.state.words(delivered)
            )),
        ),
    };
    PersonResult {
        email: record.email.clone(),
        status,
        user_id: record.user_id.clone(),
        error,
        error_code,
        line: record.line,
        state: record.state,
        link_expires_at: record.link_expires_at.clone(),
        result: record.state.words(delivered).to_owned(),
        external_id: person.and_then(|p| p.external_id.clone()),
        given_name: person.and_then(|p| p.given_name.clone()),
        family_name: person.and_then(|p| p.family_name.clone()),
        name: person.and_then(|p| p.name.clone()),
    }
}

/// Everyone's result in `batch`, by line.
pub fn batch_results(
    records: &[PersonRecord],
    batch: &crate::batch::BatchFile,
) -> Vec<PersonResult> {
    let people: std::collections::HashMap<u64, &Person> =
        batch.people.iter().map(|p| (p.line, p)).collect();
    let delivered = Some(batch.delivery.delivered_as());
    let mut out: Vec<PersonResult> = records
        .iter()
        .map(|r| person_result(r, people.get(&r.line).copied(), delivered))
        .collect();
    out.sort_by_key(|r| r.line);
    out
}

/// Prefixes a cell a spreadsheet would evaluate as a formula with `'`.
fn cell(text: &str) -> String {
    invite_desk_mail::links::neutralize(text).into_owned()
}

/// The CSV columns, in order. Scripts rely on the first four; new ones are only ever added at the
/// end.
pub const CSV_HEADER: [&str; 13] = [
    "email",
    "status",
    "user_id",
    "error",
    "error_code",
    "state",
    "line",
    "link_expires_at",
    "result",
    "external_id",
    "given_name",
    "family_name",
    "name",
];

/// Who opens a CSV: a script (`--results`: plain UTF-8) or a spreadsheet (the app's export: a
/// byte-order mark first, without which Excel reads UTF-8 accents as Windows-1252).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvReader {
    Script,
    Spreadsheet,
}

/// Writes the results as CSV (`.csv`) or a JSON array (`.json`), atomically.
pub fn write_results(path: &Path, results: &[PersonResult]) -> Result<(), AppError> {
    write_results_for(path, results, CsvReader::Script)
}

/// [`write_results`], for a spreadsheet or a script.
pub fn write_results_for(
    path: &Path,
    results: &[PersonResult],
    reader: CsvReader,
) -> Result<(), AppError> {
    let io = |e: &dyn std::fmt::Display| {
        AppError::new(
            crate::ErrorCode::Io,
            format!("could not write the results to {}: {e}", path.display()),
        )
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(&e))?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json {
        let text = serde_json::to_string_pretty(results).map_err(|e| io(&e))?;
        temp.write_all(text.as_bytes()).map_err(|e| io(&e))?;
    } else {
        if reader == CsvReader::Spreadsheet {
            temp.write_all("\u{feff}".as_bytes()).map_err(|e| io(&e))?;
        }
        let mut writer = csv::Writer::from_writer(&mut temp);
        writer.write_record(CSV_HEADER).map_err(|e| io(&e))?;
        for r in results {
            writer
                .write_record([
                    cell(&r.email),
                    r.status.as_str().to_owned(),
                    cell(r.user_id.as_deref().unwrap_or_default()),
                    cell(r.error.as_deref().unwrap_or_default()),
                    r.error_code
                        .map(PersonErrorCode::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    r.state.as_str().to_owned(),
                    r.line.to_string(),
                    r.link_expires_at.clone().unwrap_or_default(),
                    r.result.clone(),
                    cell(r.external_id.as_deref().unwrap_or_default()),
                    cell(r.given_name.as_deref().unwrap_or_default()),
                    cell(r.family_name.as_deref().unwrap_or_default()),
                    cell(r.name.as_deref().unwrap_or_default()),
                ])
                .map_err(|e| io(&e))?;
        }
        writer.flush().map_err(|e| io(&e))?;
    }
    temp.as_file().sync_all().map_err(|e| io(&e))?;
    temp.persist(path).map_err(|e| io(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(email: &str, state: PersonState) -> PersonRecord {
        PersonRecord {
            line: 2,
            email: email.into(),
            state,
            user_id: Some("auth0|1".into()),
            link_expires_at: None,
            open_intent: None,
            planned_user_id: None,
            error_code: Some(crate::ErrorCode::InvalidInput.into()),
            error_message: Some("=HYPERLINK(\"http://evil\")".into()),
        }
    }

    #[test]
    fn statuses_follow_the_contract_and_cells_are_formula_safe() {
        let results: Vec<PersonResult> = [
            record("a@example.com", PersonState::Delivered),
            record("b@example.com", PersonState::Skipped),
            record("c@example.com", PersonState::Granted),
            record("d@example.com", PersonState::Failed),
            record("e@example.com", PersonState::Unconfirmed),
            record("f@example.com", PersonState::Ticketed),
        ]
        .iter()
        .map(|r| person_result(r, None, Some(DeliveredAs::WrittenToOutbox)))
        .collect();
        let statuses: Vec<&str> = results.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(
            statuses,
            [
                "invited", "skipped", "granted", "failed", "failed", "failed"
            ]
        );
        assert_eq!(results[5].error_code, Some(Unsettled::NotFinished.into()));

        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("results.csv");
        write_results(&csv_path, &results).unwrap();
        let text = std::fs::read_to_string(&csv_path).unwrap();
        assert!(text.starts_with("email,status,user_id,error,"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(!text.contains(",=HYPERLINK"), "{text}");

        let json_path = dir.path().join("results.json");
        write_results(&json_path, &results).unwrap();
        let parsed: Vec<PersonResult> =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        assert_eq!(parsed, results);
    }
}
