//! People lists: whatever an admin pastes or opens becomes a validated roster, with every problem
//! on the line where it is.
//!
//! bytes → [`decode`] → text → [`addresses`] (Outlook/Gmail lines) or [`table`] (sniffed delimiter)
//! or [`workbook`] (XLSX/ODS) → records → [`mapping`] (header, columns) → [`validate`] → report.

pub mod addresses;
pub mod decode;
pub mod edit;
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

pub(crate) use invite_desk_core::{AppError, ErrorCode};

/// The largest list file read, from disk, a drop or standard input (about two million rows of a
/// five-column CSV). A workbook is also held to `workbook::WorkbookLimits`.
pub const MAX_LIST_BYTES: u64 = 128 * 1024 * 1024;

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
        return from_rows(Rows::Materialized(sheet.records), source, options);
    }
    if options.sheet.is_some() {
        return Err(AppError::invalid_input(
            "--sheet applies to workbooks (XLSX, ODS); this is a text file",
        ));
    }
    let decoded = decode::decode(bytes)?;
    read_text_as(&decoded.text, Some(decoded.encoding), options)
}

/// A file as editable text: what the People step shows in its paste box, so a file and a paste are
/// checked, fixed and read the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListText {
    /// The file's name, when the list came from a file.
    pub file_name: Option<String>,
    pub text: String,
    /// The encoding the file was decoded from; `null` for a workbook.
    pub encoding: Option<String>,
    /// The workbook sheet that was read, and every sheet it has.
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
}

/// Decodes a text file (BOM, UTF-16, Windows-1252, …) or turns a workbook sheet into tab-separated
/// text (quoted where a cell needs it), keeping one row per sheet row so line numbers match.
pub fn list_text(bytes: &[u8], sheet: Option<&str>) -> Result<ListText, AppError> {
    if workbook::is_workbook(bytes) {
        let read = workbook::read_sheet(bytes, sheet)?;
        let convert = |e: &dyn std::fmt::Display| {
            AppError::internal(format!("could not convert the sheet: {e}"))
        };
        let mut builder = csv::WriterBuilder::new();
        builder
            .delimiter(b'\t')
            .terminator(csv::Terminator::Any(b'\n'));
        let mut text = String::new();
        let mut next_line = 1;
        for record in &read.records {
            // Blank sheet rows are not records; keep them as empty lines so line numbers hold.
            while next_line < record.line {
                text.push('\n');
                next_line += 1;
            }
            let mut writer = builder.from_writer(Vec::new());
            writer
                .write_record(record.cells.iter().map(|c| c.replace('\n', " ")))
                .map_err(|e| convert(&e))?;
            let row = writer.into_inner().map_err(|e| convert(&e))?;
            text.push_str(&String::from_utf8_lossy(&row));
            next_line += 1;
        }
        return Ok(ListText {
            file_name: None,
            text,
            encoding: None,
            sheet: Some(read.name),
            sheets: read.all_sheets,
        });
    }
    let decoded = decode::decode(bytes)?;
    Ok(ListText {
        file_name: None,
        text: decoded.text.trim_start_matches('\u{FEFF}').to_owned(),
        encoding: Some(decoded.encoding.to_owned()),
        sheet: None,
        sheets: Vec::new(),
    })
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
    if options.mapping.is_none()
        && !first_line_names_columns(&text)
        && addresses::looks_like_address_lines(&text)
    {
        let records: Vec<Record> = addresses::parse_address_lines(&text)
            .into_iter()
            .map(|entry| Record {
                line: entry.line,
                cells: vec![entry.address, entry.display_name.unwrap_or_default()],
            })
            .collect();
        let mapping = MappingOverride {
            has_header: Some(false),
            roles: Some(vec![ColumnRole::Email, ColumnRole::Name]),
        };
        let options = ReadOptions {
            sheet: None,
            mapping: Some(mapping),
        };
        return from_rows(
            Rows::Materialized(records),
            source(SourceFormat::AddressLines, None),
            &options,
        );
    }
    let delimiter = table::sniff_delimiter(&text);
    from_rows(
        Rows::Delimited {
            text: &text,
            delimiter,
        },
        source(SourceFormat::Delimited, delimiter),
        options,
    )
}

/// A first line such as `Email,Name` makes the input a table, whatever its cells hold.
fn first_line_names_columns(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|line| {
            line.split([',', ';', '\t', '|'])
                .any(|cell| mapping::role_for_header(cell).is_some())
        })
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

/// Where the records come from. Delimited text is streamed (read twice: a head for the mapping,
/// then every record straight into validation) so 100k-row lists never hold every cell as a String.
enum Rows<'a> {
    Materialized(Vec<Record>),
    Delimited {
        text: &'a str,
        delimiter: Option<u8>,
    },
}

/// How many non-blank records the mapping is detected from (header search, email column by content).
const HEAD_RECORDS: usize = 200;

fn from_rows(
    rows: Rows<'_>,
    mut source: SourceInfo,
    options: &ReadOptions,
) -> Result<RosterReport, AppError> {
    let head: Vec<Record> = match &rows {
        Rows::Materialized(records) => records
            .iter()
            .filter(|r| !r.is_blank())
            .take(HEAD_RECORDS)
            .cloned()
            .collect(),
        Rows::Delimited { text, delimiter } => table::read_head(text, *delimiter, HEAD_RECORDS)?,
    };
    if head.is_empty() {
        return Err(AppError::invalid_input(
            "the list is empty: there is no row with any text",
        ));
    }
    let mapping = mapping::resolve(&head, options.mapping.as_ref())?;
    source.has_header = mapping.header.is_some();
    source.columns = describe_columns(&head, &mapping);

    let labels: Vec<String> = mapping.roles.iter().map(mapping::role_label).collect();
    let has = |role: &ColumnRole| mapping.roles.contains(role);
    let split_names = !has(&ColumnRole::GivenName) && !has(&ColumnRole::FamilyName);
    let mut validator = Validator::new(split_names);
    // Non-blank records are numbered from 0: the header's index, and the preamble's above it.
    let mut visit =
        |index: usize, line: u64, cells: &mut dyn Iterator<Item = &str>| match mapping.header {
            Some(header) if index < header => {
                validator.skipped(line, "skipped: this row is above the header row")
            }
            Some(header) if index == header => {}
            _ => validator.row(line, row_fields(&mapping.roles, &labels, cells)),
        };
    match &rows {
        Rows::Materialized(records) => {
            for (index, record) in records.iter().filter(|r| !r.is_blank()).enumerate() {
                visit(
                    index,
                    record.line,
                    &mut record.cells.iter().map(String::as_str),
                );
            }
        }
        Rows::Delimited { text, delimiter } => {
            table::for_each_nonblank(text, *delimiter, |index, line, record| {
                visit(index, line, &mut record.iter());
                std::ops::ControlFlow::Continue(())
            })?
        }
    }
    Ok(RosterReport {
        summary: Summary {
            rows: validator.rows,
            valid: validator.people.len() as u64,
            errors: validator.rows_with_errors,
            warnings: validator.warnings,
        },
        people: validator.people,
        problems: validator.problems,
        source,
    })
}

fn row_fields<'r, 'a>(
    roles: &'r [ColumnRole],
    labels: &'r [String],
    cells: &mut dyn Iterator<Item = &'a str>,
) -> RowFields<'r, 'a> {
    let mut fields = RowFields::default();
    for ((role, label), cell) in roles.iter().zip(labels).zip(cells) {
        match role {
            ColumnRole::Email => fields.email = Some(cell),
            ColumnRole::GivenName => fields.given_name = Some(cell),
            ColumnRole::FamilyName => fields.family_name = Some(cell),
            ColumnRole::Name => fields.name = Some(cell),
            ColumnRole::Roles => fields.roles = Some(cell),
            ColumnRole::AppMetadata(_) | ColumnRole::UserMetadata(_) => {
                fields.metadata.push((role, label.as_str(), cell))
            }
            ColumnRole::Ignore => {}
        }
    }
    fields
}

fn describe_columns(head: &[Record], mapping: &mapping::Mapping) -> Vec<ColumnInfo> {
    let header = mapping.header.map(|i| &head[i]);
    let body = &head[mapping.header.map_or(0, |i| i + 1)..];
    mapping
        .roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let header_cell = header.and_then(|h| h.cells.get(i)).map(String::as_str);
            let sample = body
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|c| c.trim())
                .find(|c| !c.is_empty());
            column(i, header_cell, role.clone(), sample)
        })
        .collect()
}
