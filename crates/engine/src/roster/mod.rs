//! People lists: whatever an admin pastes or opens becomes a validated roster, with every problem
//! on the line where it is.
//!
//! bytes → [`decode`] → text → [`addresses`] (Outlook/Gmail lines) or [`table`] (sniffed delimiter)
//! or [`workbook`] (XLSX/ODS) → records → [`mapping`] (header, columns) → [`validate`] → report.

pub mod addresses;
pub mod decode;
pub mod mapping;
pub mod table;
pub mod validate;
pub mod workbook;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use mapping::{ColumnRole, MappingOverride};
use table::Record;
pub use validate::{Person, Problem, Severity};
use validate::{RowFields, Validator};

use crate::AppError;

/// How the caller wants the input read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadOptions {
    /// The workbook sheet to read (default: the first).
    #[ts(optional)]
    pub sheet: Option<String>,
    #[ts(optional)]
    pub mapping: Option<MappingOverride>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// CSV, TSV, text: one record per row.
    Delimited,
    /// `Name <address>` lines from a mail client, several people per line.
    AddressLines,
    /// An XLSX, XLS or ODS workbook sheet.
    Workbook,
}

/// One column as detected, for the mapping screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnInfo {
    pub index: u32,
    /// The header cell, when the list has a header row.
    pub header: Option<String>,
    pub role: ColumnRole,
    /// The first non-empty value below the header, to help choose a role.
    pub sample: Option<String>,
}

/// What the input turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceInfo {
    pub format: SourceFormat,
    /// Encoding of a text input (`UTF-8`, `UTF-16LE`, `windows-1252`, …).
    pub encoding: Option<String>,
    /// `comma`, `semicolon`, `tab`, `pipe`, or `none` (one column) for delimited text.
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub has_header: bool,
    pub columns: Vec<ColumnInfo>,
}

/// Counts over the entries (rows, or addresses on address lines) that were not blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Summary {
    /// Entries read (blank rows and the header are not counted).
    pub rows: u64,
    /// Entries that became a person: `rows = valid + errors`.
    pub valid: u64,
    /// Entries left out because of at least one error.
    pub errors: u64,
    /// Warnings (kept entries with something odd), counted one per warning.
    pub warnings: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RosterReport {
    pub summary: Summary,
    /// Valid people only, in input order.
    pub people: Vec<Person>,
    /// Errors and warnings, in input order.
    pub problems: Vec<Problem>,
    pub source: SourceInfo,
}

/// Reads a file's bytes (any supported text encoding, or a workbook).
pub fn read_bytes(bytes: &[u8], options: &ReadOptions) -> Result<RosterReport, AppError> {
    if workbook::is_workbook(bytes) {
        let sheet = workbook::read_sheet(bytes, options.sheet.as_deref())?;
        let source = SourceInfo {
            format: SourceFormat::Workbook,
            encoding: None,
            delimiter: None,
            sheet: Some(sheet.name),
            sheets: sheet.all_sheets,
            has_header: false,
            columns: Vec::new(),
        };
        return from_records(sheet.records, source, options);
    }
    if options.sheet.is_some() {
        return Err(AppError::invalid_input(
            "--sheet applies to workbooks (XLSX, ODS); this is a text file",
        ));
    }
    let decoded = decode::decode(bytes)?;
    read_text_as(&decoded.text, Some(decoded.encoding), options)
}

/// Reads pasted text.
pub fn read_text(text: &str, options: &ReadOptions) -> Result<RosterReport, AppError> {
    read_text_as(text, None, options)
}

fn read_text_as(
    text: &str,
    encoding: Option<&str>,
    options: &ReadOptions,
) -> Result<RosterReport, AppError> {
    let text = table::normalize_line_endings(text.strip_prefix('\u{FEFF}').unwrap_or(text));
    let source = |format, delimiter: Option<u8>| SourceInfo {
        format,
        encoding: encoding.map(str::to_owned),
        delimiter: (format == SourceFormat::Delimited)
            .then(|| table::delimiter_name(delimiter).to_owned()),
        sheet: None,
        sheets: Vec::new(),
        has_header: false,
        columns: Vec::new(),
    };
    if options.mapping.is_none() && addresses::looks_like_address_lines(&text) {
        let records: Vec<Record> = addresses::parse_address_lines(&text)
            .into_iter()
            .map(|entry| Record {
                line: entry.line,
                cells: vec![entry.address, entry.display_name.unwrap_or_default()],
            })
            .collect();
        let mut source = source(SourceFormat::AddressLines, None);
        source.columns = vec![
            column(0, None, ColumnRole::Email, None),
            column(1, None, ColumnRole::Name, None),
        ];
        let mapping = mapping::Mapping {
            header: None,
            roles: vec![ColumnRole::Email, ColumnRole::Name],
        };
        return Ok(validate_records(&records, &[], &mapping, source));
    }
    let delimiter = table::sniff_delimiter(&text);
    let records = table::read_records(&text, delimiter)?;
    from_records(records, source(SourceFormat::Delimited, delimiter), options)
}

fn column(
    index: usize,
    header: Option<&str>,
    role: ColumnRole,
    sample: Option<&str>,
) -> ColumnInfo {
    ColumnInfo {
        index: index as u32,
        header: header.map(str::to_owned),
        role,
        sample: sample.map(str::to_owned),
    }
}

fn from_records(
    records: Vec<Record>,
    mut source: SourceInfo,
    options: &ReadOptions,
) -> Result<RosterReport, AppError> {
    let records: Vec<Record> = records.into_iter().filter(|r| !r.is_blank()).collect();
    if records.is_empty() {
        return Err(AppError::invalid_input(
            "the list is empty: there is no row with any text",
        ));
    }
    let mapping = mapping::resolve(&records, options.mapping.as_ref())?;
    let header = mapping.header.map(|i| &records[i]);
    let (preamble, body) = match mapping.header {
        Some(i) => (&records[..i], &records[i + 1..]),
        None => (&records[..0], &records[..]),
    };
    source.has_header = header.is_some();
    source.columns = mapping
        .roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let header_cell = header.and_then(|h| h.cells.get(i)).map(String::as_str);
            let sample = body
                .iter()
                .take(50)
                .filter_map(|r| r.cells.get(i))
                .map(|c| c.trim())
                .find(|c| !c.is_empty());
            column(i, header_cell, role.clone(), sample)
        })
        .collect();
    Ok(validate_records(body, preamble, &mapping, source))
}

fn validate_records(
    records: &[Record],
    preamble: &[Record],
    mapping: &mapping::Mapping,
    source: SourceInfo,
) -> RosterReport {
    let has = |role: &ColumnRole| mapping.roles.contains(role);
    let split_names = !has(&ColumnRole::GivenName) && !has(&ColumnRole::FamilyName);
    let mut validator = Validator::new(split_names);
    for record in preamble {
        validator.skipped(record.line, "skipped: this row is above the header row");
    }
    for record in records {
        let mut fields = RowFields::default();
        for (role, cell) in mapping.roles.iter().zip(&record.cells) {
            let cell = cell.as_str();
            match role {
                ColumnRole::Email => fields.email = Some(cell),
                ColumnRole::GivenName => fields.given_name = Some(cell),
                ColumnRole::FamilyName => fields.family_name = Some(cell),
                ColumnRole::Name => fields.name = Some(cell),
                ColumnRole::Roles => fields.roles = Some(cell),
                ColumnRole::AppMetadata(_) | ColumnRole::UserMetadata(_) => {
                    fields.metadata.push((role, cell))
                }
                ColumnRole::Ignore => {}
            }
        }
        validator.row(record.line, fields);
    }
    RosterReport {
        summary: Summary {
            rows: validator.rows,
            valid: validator.people.len() as u64,
            errors: validator.rows_with_errors,
            warnings: validator.warnings,
        },
        people: validator.people,
        problems: validator.problems,
        source,
    }
}
