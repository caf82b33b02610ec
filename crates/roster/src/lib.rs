//! People lists: whatever an admin pastes or opens becomes a validated roster, with every problem
//! on the line where it is.
//!
//! bytes → [`decode`] → text → [`addresses`] (Outlook/Gmail lines) or [`table`] (sniffed delimiter)
//! or [`workbook`] (XLSX/ODS) → records → [`mapping`] (header, columns) → [`validate`] → report.

pub mod addresses;
pub mod decode;
pub mod edit;
pub mod language;
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
    read_bytes_keeping(bytes, options, true)
}

/// Checks a file's bytes like `read_bytes`, counting the valid people without keeping them: the
/// report's `people` is empty, its summary and problems are the same. For a check that only
/// reports (a million-row list then needs little more memory than its text).
pub fn check_bytes(bytes: &[u8], options: &ReadOptions) -> Result<RosterReport, AppError> {
    read_bytes_keeping(bytes, options, false)
}

fn read_bytes_keeping(
    bytes: &[u8],
    options: &ReadOptions,
    keep_people: bool,
) -> Result<RosterReport, AppError> {
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
        return from_rows(
            Rows::Materialized(sheet.records),
            source,
            options,
            keep_people,
        );
    }
    if options.sheet.is_some() {
        return Err(AppError::invalid_input(
            "--sheet applies to workbooks (XLSX, ODS); this is a text file",
        ));
    }
    let decoded = decode::decode(bytes)?;
    read_text_as(&decoded.text, Some(decoded.encoding), options, keep_people)
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
    read_text_as(text, None, options, true)
}

fn read_text_as(
    text: &str,
    encoding: Option<&str>,
    options: &ReadOptions,
    keep_people: bool,
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
            keep_people,
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
        keep_people,
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
    keep_people: bool,
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
    let sizes = validate::MetadataSizes {
        app: mapping
            .roles
            .iter()
            .filter(|r| matches!(r, ColumnRole::AppMetadata(_)))
            .count(),
        user: mapping
            .roles
            .iter()
            .filter(|r| matches!(r, ColumnRole::UserMetadata(_)))
            .count(),
    };
    // Room for everyone at once (a long list's people are not copied as they grow); the parallel
    // path makes its own room once it knows the count.
    let expected_rows = match &rows {
        Rows::Materialized(records) => records.len(),
        Rows::Delimited { text, .. } if text.len() < PARALLEL_FROM_BYTES => {
            text.bytes().filter(|b| *b == b'\n').count() + 1
        }
        Rows::Delimited { .. } => 0,
    };
    let mut validator = Validator::with_sizes(split_names, sizes, expected_rows, keep_people);
    match &rows {
        Rows::Materialized(records) => {
            for (index, record) in records.iter().filter(|r| !r.is_blank()).enumerate() {
                let cells = &mut record.cells.iter().map(String::as_str);
                match classify(mapping.header, index) {
                    Place::AboveHeader => validator.skipped(record.line, ABOVE_HEADER),
                    Place::Header => {}
                    Place::Entry => {
                        validator.row(record.line, row_fields(&mapping.roles, &labels, cells))
                    }
                }
            }
        }
        Rows::Delimited { text, delimiter } => {
            // One core gains nothing from threads (the tests take this path anyway).
            let parallel = text.len() >= PARALLEL_FROM_BYTES
                && (std::thread::available_parallelism().map_or(1, usize::from) > 1
                    || tests::always_parallel())
                && !tests::sequential_only();
            if parallel {
                let head_end = head.last().map_or(0, |r| line_end_offset(text, r.line));
                let read = Reading {
                    keep_people,
                    text,
                    delimiter: *delimiter,
                    mapping: &mapping,
                    labels: &labels,
                    split_names,
                    sizes,
                };
                parallel_rows(&read, head_end, &mut validator)?;
            } else {
                table::for_each_nonblank(text, *delimiter, |index, line, record| {
                    match classify(mapping.header, index) {
                        Place::AboveHeader => validator.skipped(line, ABOVE_HEADER),
                        Place::Header => {}
                        Place::Entry => validator.row(
                            line,
                            row_fields(&mapping.roles, &labels, &mut record.iter()),
                        ),
                    }
                    std::ops::ControlFlow::Continue(())
                })?
            }
        }
    }
    Ok(RosterReport {
        summary: Summary {
            rows: validator.rows,
            valid: validator.valid,
            errors: validator.rows_with_errors,
            warnings: validator.warnings,
        },
        people: validator.people,
        problems: validator.problems,
        source,
    })
}

const ABOVE_HEADER: &str = "skipped: this row is above the header row";

/// Lists this long are read by several threads (2 cores: a 62 MB list in well under a second).
const PARALLEL_FROM_BYTES: usize = 4 << 20;
/// About this much text per piece of parallel work.
const CHUNK_BYTES: usize = 1 << 20;

enum Place {
    AboveHeader,
    Header,
    Entry,
}

/// Where a non-blank record (numbered from 0) stands relative to the header row.
fn classify(header: Option<usize>, index: usize) -> Place {
    match header {
        Some(header) if index < header => Place::AboveHeader,
        Some(header) if index == header => Place::Header,
        _ => Place::Entry,
    }
}

/// The byte offset just past physical line `line` (1-based).
fn line_end_offset(text: &str, line: u64) -> usize {
    let mut seen = 0u64;
    for (at, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            seen += 1;
            if seen == line {
                return at + 1;
            }
        }
    }
    text.len()
}

/// What every worker needs to read its chunks.
struct Reading<'t> {
    keep_people: bool,
    text: &'t str,
    delimiter: Option<u8>,
    mapping: &'t mapping::Mapping,
    labels: &'t [String],
    split_names: bool,
    sizes: validate::MetadataSizes,
}

/// A chunk's rows, checked, in order.
enum Item {
    AboveHeader(u64),
    Row(validate::Checked),
}

fn check_chunk(
    read: &Reading<'_>,
    chunk: table::Chunk,
    first: bool,
) -> Result<Vec<Item>, AppError> {
    let mut items = Vec::new();
    let mut index = 0usize;
    table::for_each_nonblank_in(read.text, chunk, read.delimiter, |line, record| {
        // The first chunk holds the head, so only there can a record be the header or above it.
        let place = if first {
            classify(read.mapping.header, index)
        } else {
            Place::Entry
        };
        index += 1;
        match place {
            Place::AboveHeader => items.push(Item::AboveHeader(line)),
            Place::Header => {}
            Place::Entry => {
                items.push(Item::Row(validate::check_row(
                    read.split_names,
                    read.sizes,
                    line,
                    row_fields(&read.mapping.roles, read.labels, &mut record.iter()),
                    read.keep_people,
                )));
            }
        }
    })?;
    Ok(items)
}

/// Checks the chunks on as many threads as there are cores (each taking every n-th chunk). People
/// kept: their rows are accepted here in the list's order as the chunks come in (each worker at most
/// two chunks ahead, so a person is never held twice for long). People only counted: every chunk
/// is checked first, then duplicates are decided for the whole list at once by sorting
/// (`validate::duplicates`), which is what makes a million rows fast.
fn parallel_rows(
    read: &Reading<'_>,
    head_end: usize,
    validator: &mut Validator,
) -> Result<(), AppError> {
    let chunks = table::chunks(read.text, read.delimiter, head_end, CHUNK_BYTES)?;
    tests::read_in_parallel(chunks.len());
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8)
        .min(chunks.len().max(1));
    if read.keep_people {
        return streamed_rows(read, &chunks, workers, validator);
    }
    let mut checked: Vec<Option<Vec<Item>>> = Vec::new();
    checked.resize_with(chunks.len(), || None);
    std::thread::scope(|scope| -> Result<(), AppError> {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let mine: Vec<(usize, table::Chunk)> = chunks
                    .iter()
                    .copied()
                    .enumerate()
                    .skip(worker)
                    .step_by(workers)
                    .collect();
                scope.spawn(move || -> Result<Vec<(usize, Vec<Item>)>, AppError> {
                    mine.into_iter()
                        .map(|(number, chunk)| Ok((number, check_chunk(read, chunk, number == 0)?)))
                        .collect()
                })
            })
            .collect();
        // Every worker is joined; the first error in the list's order is the one reported.
        let mut first_error: Option<(usize, AppError)> = None;
        for handle in handles {
            match handle.join() {
                Ok(Ok(done)) => {
                    for (number, items) in done {
                        checked[number] = Some(items);
                    }
                }
                Ok(Err(error)) => {
                    let number = error_chunk(&error, &chunks);
                    if first_error.as_ref().is_none_or(|(n, _)| number < *n) {
                        first_error = Some((number, error));
                    }
                }
                Err(_) => return Err(AppError::internal("a list reader stopped")),
            }
        }
        match first_error {
            Some((_, error)) => Err(error),
            None => Ok(()),
        }
    })?;
    let items: Vec<Item> = checked.into_iter().flatten().flatten().collect();
    let addresses: Vec<Option<&str>> = items
        .iter()
        .filter_map(|item| match item {
            Item::Row(row) => Some(row.address()),
            Item::AboveHeader(_) => None,
        })
        .collect();
    let first_of = validate::duplicates(&addresses);
    let lines: Vec<u64> = items
        .iter()
        .filter_map(|item| match item {
            Item::Row(row) => Some(row.line()),
            Item::AboveHeader(_) => None,
        })
        .collect();
    drop(addresses);
    validator.make_room(lines.len());
    let mut row = 0usize;
    for item in items {
        match item {
            Item::AboveHeader(line) => validator.skipped(line, ABOVE_HEADER),
            Item::Row(checked) => {
                let first = first_of[row].map(|original| lines[original as usize]);
                validator.accept_decided(checked, first);
                row += 1;
            }
        }
    }
    Ok(())
}

fn streamed_rows(
    read: &Reading<'_>,
    chunks: &[table::Chunk],
    workers: usize,
    validator: &mut Validator,
) -> Result<(), AppError> {
    let lines = chunks.last().map_or(0, |c| c.lines_before as usize + 1);
    validator.make_room(lines);
    std::thread::scope(|scope| {
        let mut inboxes = Vec::with_capacity(workers);
        for worker in 0..workers {
            let (send, inbox) = std::sync::mpsc::sync_channel::<Result<Vec<Item>, AppError>>(2);
            inboxes.push(inbox);
            let mine: Vec<(usize, table::Chunk)> = chunks
                .iter()
                .copied()
                .enumerate()
                .skip(worker)
                .step_by(workers)
                .collect();
            scope.spawn(move || {
                for (number, chunk) in mine {
                    let checked = check_chunk(read, chunk, number == 0);
                    let failed = checked.is_err();
                    if send.send(checked).is_err() || failed {
                        return;
                    }
                }
            });
        }
        for number in 0..chunks.len() {
            let items = inboxes[number % workers]
                .recv()
                .map_err(|_| AppError::internal("a list reader stopped"))??;
            for item in items {
                match item {
                    Item::AboveHeader(line) => validator.skipped(line, ABOVE_HEADER),
                    Item::Row(checked) => validator.accept(checked),
                }
            }
        }
        // Dropping the inboxes lets a worker still sending stop.
        drop(inboxes);
        Ok(())
    })
}

/// The chunk an error's "line N" falls in (errors of later chunks lose to earlier ones).
fn error_chunk(error: &AppError, chunks: &[table::Chunk]) -> usize {
    let line: u64 = error
        .message
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    chunks
        .iter()
        .rposition(|c| c.lines_before < line)
        .unwrap_or(0)
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
            ColumnRole::Locale => fields.locale = Some(cell),
            ColumnRole::ExternalId => fields.external_id = Some(cell),
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

#[cfg(not(test))]
mod tests {
    pub fn sequential_only() -> bool {
        false
    }
    pub fn read_in_parallel(_chunks: usize) {}
    pub fn always_parallel() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static SEQUENTIAL: Cell<bool> = const { Cell::new(false) };
        static CHUNKS_READ: Cell<usize> = const { Cell::new(0) };
    }

    pub fn read_in_parallel(chunks: usize) {
        CHUNKS_READ.with(|c| c.set(c.get() + chunks));
    }

    pub fn always_parallel() -> bool {
        true
    }

    pub fn sequential_only() -> bool {
        SEQUENTIAL.with(Cell::get)
    }

    /// A long list read in parallel chunks gives exactly the report of one reader going through it
    /// in order: the same people, problems in the same order (duplicates across chunks named after
    /// the first line, rows above the header skipped), with quoted line breaks never split.
    #[test]
    fn a_long_list_reads_the_same_in_parallel_as_in_order() {
        let mut text = String::from("Seats for Q3\n\nEmail,Name,Department\n");
        for i in 0..150_000u32 {
            match i % 997 {
                0 => text.push_str(&format!("person{}@example.com,Again {i},Sales\n", i / 3)),
                1 => text.push_str(&format!("not-an-address-{i},Bad {i},Ops\n")),
                2 => text.push_str(&format!(
                    "quoted{i}@example.com,\"Two\nLines {i}\",\"R&D, \"\"East\"\"\"\n"
                )),
                _ => text.push_str(&format!(
                    "person{i}@example.com,Person {i},Dept {}\n",
                    i % 40
                )),
            }
        }
        assert!(text.len() > PARALLEL_FROM_BYTES);
        let options = ReadOptions::default();
        let parallel = read_text(&text, &options).unwrap();
        assert!(CHUNKS_READ.with(Cell::get) > 4, "read in chunks");
        SEQUENTIAL.with(|s| s.set(true));
        let sequential = read_text(&text, &options).unwrap();
        SEQUENTIAL.with(|s| s.set(false));
        assert_eq!(parallel.summary, sequential.summary);
        assert_eq!(parallel.problems, sequential.problems);
        assert!(parallel.people == sequential.people, "the people differ");
        // Counting without keeping (duplicates decided by sorting) reports the same.
        let counted = check_bytes(text.as_bytes(), &options).unwrap();
        assert_eq!(counted.summary, sequential.summary);
        assert_eq!(counted.problems, sequential.problems);
        assert!(counted.people.is_empty());
        assert!(
            parallel
                .problems
                .iter()
                .any(|p| p.message.starts_with("duplicate of line")),
            "the list has duplicates"
        );
        let quoted = parallel
            .people
            .iter()
            .find(|p| p.email == "quoted2@example.com")
            .unwrap();
        assert_eq!(quoted.name.as_deref(), Some("Two\nLines 2"));

        // Without a quote anywhere, chunks end at line breaks.
        let plain: String = (0..300_000)
            .map(|i| format!("p{i}@example.com,P {i}\n"))
            .collect();
        let parallel = read_text(&plain, &options).unwrap();
        SEQUENTIAL.with(|s| s.set(true));
        let sequential = read_text(&plain, &options).unwrap();
        SEQUENTIAL.with(|s| s.set(false));
        assert_eq!(parallel, sequential);
        assert_eq!(parallel.people.len(), 300_000);
    }
}
