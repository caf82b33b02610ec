//! Fixing one row of a list in place, as the admin sees it: the row's cells split the way the list
//! is read, and the text with that row written back in the same delimiter and quoting, every other
//! byte and line number unchanged (problems on later lines keep pointing at the right place).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SourceFormat;
use super::table::{self, normalize_line_endings};
use crate::{AppError, ErrorCode};

/// One row as its cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EditableRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// Where a record sits in the (normalized) text: the bytes of its cells and terminator.
struct Span {
    start: usize,
    end: usize,
    cells: Vec<String>,
}

fn not_found(line: u64) -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        format!("line {line} does not start a row of this list"),
    )
}

fn delimited_span(text: &str, delimiter: Option<u8>, line: u64) -> Result<Span, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.unwrap_or(0x1F))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(not_found(line)),
            Err(e) => {
                return Err(AppError::invalid_input(format!(
                    "the list could not be read as delimited text: {e}"
                )));
            }
        }
        let Some(position) = record.position() else {
            continue;
        };
        // The reader reports a record where it started, before the blank lines it skipped.
        let skipped = text.as_bytes()[before.min(text.len())..]
            .iter()
            .take_while(|b| **b == b'\n')
            .count();
        let start_line = position.line() + skipped as u64;
        if start_line == line {
            return Ok(Span {
                start: position.byte() as usize + skipped,
                end: reader.position().byte() as usize,
                cells: record.iter().map(str::to_owned).collect(),
            });
        }
        if start_line > line {
            return Err(not_found(line));
        }
    }
}

fn line_span(text: &str, line: u64) -> Result<Span, AppError> {
    let mut start = 0;
    for (index, piece) in text.split_inclusive('\n').enumerate() {
        if index as u64 + 1 == line {
            let content = piece.strip_suffix('\n').unwrap_or(piece);
            return Ok(Span {
                start,
                end: start + piece.len(),
                cells: vec![content.to_owned()],
            });
        }
        start += piece.len();
    }
    Err(not_found(line))
}

fn span(text: &str, format: SourceFormat, line: u64) -> Result<Span, AppError> {
    match format {
        SourceFormat::AddressLines => line_span(text, line),
        SourceFormat::Delimited | SourceFormat::Workbook => {
            delimited_span(text, table::sniff_delimiter(text), line)
        }
    }
}

/// The cells of the row starting on `line` (an address line is one cell: the whole line).
pub fn row(text: &str, format: SourceFormat, line: u64) -> Result<EditableRow, AppError> {
    let text = normalize_line_endings(text);
    let found = span(&text, format, line)?;
    Ok(EditableRow {
        line,
        cells: found.cells,
    })
}

/// The text with the row on `line` replaced by `cells` (line endings normalized to `\n`).
pub fn set_row(
    text: &str,
    format: SourceFormat,
    line: u64,
    cells: &[String],
) -> Result<String, AppError> {
    let text = normalize_line_endings(text);
    let found = span(&text, format, line)?;
    let mut replacement = match format {
        SourceFormat::AddressLines => {
            let joined = cells.join(" ");
            if joined.contains('\n') {
                return Err(AppError::invalid_input(
                    "an address line cannot hold a line break",
                ));
            }
            format!("{joined}\n")
        }
        SourceFormat::Delimited | SourceFormat::Workbook => {
            let delimiter = table::sniff_delimiter(&text);
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter.unwrap_or(b','))
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            writer
                .write_record(cells)
                .map_err(|e| AppError::internal(format!("could not write the row: {e}")))?;
            let bytes = writer
                .into_inner()
                .map_err(|e| AppError::internal(format!("could not write the row: {e}")))?;
            String::from_utf8(bytes)
                .map_err(|_| AppError::internal("a rewritten row was not UTF-8"))?
        }
    };
    if !text[found.start..found.end].ends_with('\n') {
        replacement.pop();
    }
    let mut out = String::with_capacity(text.len() + replacement.len());
    out.push_str(&text[..found.start]);
    out.push_str(&replacement);
    out.push_str(&text[found.end..]);
    Ok(out)
}

/// The text with the row on `line` blanked out: a blank line for each line it took (blank lines
/// are skipped when a list is read), so every other row keeps its line number and its problems
/// still point at it.
pub fn remove_row(text: &str, format: SourceFormat, line: u64) -> Result<String, AppError> {
    let text = normalize_line_endings(text);
    let found = span(&text, format, line)?;
    let lines = text[found.start..found.end].matches('\n').count();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..found.start]);
    out.push_str(&"\n".repeat(lines));
    out.push_str(&text[found.end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ReadOptions, read_text};

    #[test]
    fn a_fixed_cell_makes_the_row_valid_and_leaves_every_other_line_alone() {
        let text = "email;name\r\nann@example.com;Ann\r\n\r\nbob(at)example.com;\"Bob; Jr\"\r\ncy@example.com;Cy";
        let before = read_text(text, &ReadOptions::default()).unwrap();
        assert_eq!(before.summary.errors, 1);
        let bad_line = before.problems[0].line;
        assert_eq!(bad_line, 4);
        let row = row(text, SourceFormat::Delimited, bad_line).unwrap();
        assert_eq!(row.cells, ["bob(at)example.com", "Bob; Jr"]);
        let fixed = set_row(
            text,
            SourceFormat::Delimited,
            bad_line,
            &["bob@example.com".into(), "Bob; Jr".into()],
        )
        .unwrap();
        assert_eq!(
            fixed,
            "email;name\nann@example.com;Ann\n\nbob@example.com;\"Bob; Jr\"\ncy@example.com;Cy"
        );
        let after = read_text(&fixed, &ReadOptions::default()).unwrap();
        assert_eq!(after.summary.errors, 0);
        let lines: Vec<u64> = after.people.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 4, 5]);
        assert_eq!(after.people[1].name.as_deref(), Some("Bob; Jr"));
    }

    #[test]
    fn a_removed_row_is_gone_and_every_other_row_keeps_its_line() {
        let text =
            "email,note\nann@example.com,a\nann@example.com,\"two\nlines\"\ncy@example.com,c\n";
        let before = read_text(text, &ReadOptions::default()).unwrap();
        assert_eq!(before.summary.errors, 1, "{:?}", before.problems);
        assert_eq!(before.problems[0].line, 3);
        let removed = remove_row(text, SourceFormat::Delimited, 3).unwrap();
        assert_eq!(
            removed,
            "email,note\nann@example.com,a\n\n\ncy@example.com,c\n"
        );
        let after = read_text(&removed, &ReadOptions::default()).unwrap();
        assert_eq!(after.summary.errors, 0);
        let lines: Vec<u64> = after.people.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 5]);
        // An address line, and the last row without a line break after it.
        assert_eq!(
            remove_row("a@x.example\nb@x.example", SourceFormat::AddressLines, 2).unwrap(),
            "a@x.example\n"
        );
        assert_eq!(
            remove_row(text, SourceFormat::Delimited, 9)
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn rows_with_quoted_line_breaks_are_one_row() {
        let text = "email,note\n\"a@x.example\",\"two\nlines\"\nb@x.example,ok\n";
        let r = row(text, SourceFormat::Delimited, 2).unwrap();
        assert_eq!(r.cells, ["a@x.example", "two\nlines"]);
        let fixed = set_row(
            text,
            SourceFormat::Delimited,
            2,
            &["a@x.example".into(), "one".into()],
        )
        .unwrap();
        assert_eq!(fixed, "email,note\na@x.example,one\nb@x.example,ok\n");
        assert_eq!(
            row(text, SourceFormat::Delimited, 3).unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn address_lines_are_edited_as_whole_lines() {
        let text = "Ann <ann@example.com>; Bob <bob@@example.com>\nCy <cy@example.com>";
        let r = row(text, SourceFormat::AddressLines, 1).unwrap();
        assert_eq!(r.cells.len(), 1);
        let fixed = set_row(
            text,
            SourceFormat::AddressLines,
            1,
            &["Ann <ann@example.com>; Bob <bob@example.com>".into()],
        )
        .unwrap();
        assert_eq!(
            fixed,
            "Ann <ann@example.com>; Bob <bob@example.com>\nCy <cy@example.com>"
        );
        assert!(row(text, SourceFormat::AddressLines, 9).is_err());
    }
}
