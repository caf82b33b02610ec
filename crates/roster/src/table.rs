//! Text to records: line endings normalized, delimiter sniffed, quoted fields with embedded
//! delimiters, quotes and newlines handled by the `csv` crate. Each record keeps the 1-based physical
//! line where it starts, so problems can point at the line the admin sees in their editor.

use std::borrow::Cow;
use std::ops::ControlFlow;

use crate::AppError;

/// One record of the source, before any interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Record {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Delimiters an export may use, in order of preference when two fit equally well.
const CANDIDATES: [u8; 4] = [b'\t', b';', b',', b'|'];

/// How much of the text the sniffer reads.
const SNIFF_BYTES: usize = 64 * 1024;
const SNIFF_RECORDS: usize = 200;

/// `\r\n` and lone `\r` (old Mac exports) become `\n`, so line numbers count what editors show.
pub fn normalize_line_endings(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split('\r').peekable();
    while let Some(piece) = pieces.next() {
        out.push_str(piece);
        // A `\r` stood between this piece and the next; `\r\n` keeps the `\n` the next piece starts with.
        if let Some(next) = pieces.peek()
            && !next.starts_with('\n')
        {
            out.push('\n');
        }
    }
    Cow::Owned(out)
}

/// The delimiter that splits the sample into the most consistent number of fields (more than one).
/// `None` when every candidate leaves a single column.
pub fn sniff_delimiter(text: &str) -> Option<u8> {
    let mut end = text.len().min(SNIFF_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let mut best: Option<(u8, f64, usize)> = None;
    for delimiter in CANDIDATES {
        let counts: Vec<usize> = reader(sample, delimiter)
            .records()
            .take(SNIFF_RECORDS)
            .filter_map(Result::ok)
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .map(|r| r.len())
            .collect();
        let Some(mode) = mode(&counts) else { continue };
        if mode < 2 {
            continue;
        }
        let consistency =
            counts.iter().filter(|c| **c == mode).count() as f64 / counts.len() as f64;
        let better = match best {
            None => true,
            Some((_, c, m)) => {
                consistency > c + 1e-9 || ((consistency - c).abs() < 1e-9 && mode > m)
            }
        };
        if better {
            best = Some((delimiter, consistency, mode));
        }
    }
    best.map(|(d, _, _)| d)
}

fn mode(values: &[usize]) -> Option<usize> {
    let mut counts = std::collections::BTreeMap::new();
    for v in values {
        *counts.entry(*v).or_insert(0usize) += 1;
    }
    // Ties go to the larger field count: a header with one extra trailing column should not win.
    counts
        .into_iter()
        .max_by_key(|(value, n)| (*n, *value))
        .map(|(v, _)| v)
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// Calls `visit(index, line, record)` for every non-blank record, `index` counting only those, until
/// it returns `ControlFlow::Break`. `delimiter` `None` means one column per line.
pub fn for_each_nonblank(
    text: &str,
    delimiter: Option<u8>,
    mut visit: impl FnMut(usize, u64, &csv::StringRecord) -> ControlFlow<()>,
) -> Result<(), AppError> {
    // With one column any byte works as the delimiter as long as it never splits: the unit separator.
    let mut reader = reader(text, delimiter.unwrap_or(0x1F));
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let line = record.position().map_or(0, |p| record_start_line(text, p));
                if visit(index, line, &record).is_break() {
                    return Ok(());
                }
                index += 1;
            }
            Ok(false) => return Ok(()),
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                return Err(AppError::invalid_input(format!(
                    "line {line}: the list could not be read as delimited text: {err}"
                )));
            }
        }
    }
}

/// A stretch of the text that starts and ends on record boundaries, with the number of lines
/// before it (so its records keep their physical line numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub lines_before: u64,
}

/// Splits `text` into about `target` bytes per chunk, on record boundaries, the first chunk
/// reaching at least `first_at_least`. Without a quote anywhere every line break ends a record; with
/// quotes the boundaries come from the CSV reader itself, so a quoted line break never splits a record.
pub fn chunks(
    text: &str,
    delimiter: Option<u8>,
    first_at_least: usize,
    target: usize,
) -> Result<Vec<Chunk>, AppError> {
    let bytes = text.as_bytes();
    let mut ends: Vec<usize> = Vec::new();
    let mut want = first_at_least.max(target);
    if !bytes.contains(&b'"') {
        while want < bytes.len() {
            match bytes[want..].iter().position(|b| *b == b'\n') {
                Some(at) => {
                    let end = want + at + 1;
                    ends.push(end);
                    want = end + target;
                }
                None => break,
            }
        }
    } else {
        let mut reader = reader(text, delimiter.unwrap_or(0x1F));
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    let at = reader.position().byte() as usize;
                    if at >= want && at < bytes.len() {
                        ends.push(at);
                        want = at + target;
                    }
                }
                Ok(false) => break,
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    return Err(AppError::invalid_input(format!(
                        "line {line}: the list could not be read as delimited text: {err}"
                    )));
                }
            }
        }
    }
    ends.push(bytes.len());
    let mut out = Vec::with_capacity(ends.len());
    let (mut start, mut lines_before) = (0usize, 0u64);
    for end in ends {
        if end <= start {
            continue;
        }
        out.push(Chunk {
            start,
            end,
            lines_before,
        });
        lines_before += bytes[start..end].iter().filter(|b| **b == b'\n').count() as u64;
        start = end;
    }
    Ok(out)
}

/// `for_each_nonblank` over one chunk: lines counted from the whole text's start.
pub fn for_each_nonblank_in(
    text: &str,
    chunk: Chunk,
    delimiter: Option<u8>,
    mut visit: impl FnMut(u64, &csv::StringRecord),
) -> Result<(), AppError> {
    for_each_nonblank(
        &text[chunk.start..chunk.end],
        delimiter,
        |_, line, record| {
            visit(line + chunk.lines_before, record);
            ControlFlow::Continue(())
        },
    )
    .map_err(|mut e| {
        e.message = shift_line(&e.message, chunk.lines_before);
        e
    })
}

/// "line N: …" of a chunk's error, as a line of the whole text.
fn shift_line(message: &str, lines_before: u64) -> String {
    let Some(rest) = message.strip_prefix("line ") else {
        return message.to_owned();
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(n) => format!("line {}{}", n + lines_before, &rest[digits.len()..]),
        Err(_) => message.to_owned(),
    }
}

/// The first `limit` non-blank records, owned (for detecting the mapping).
pub fn read_head(text: &str, delimiter: Option<u8>, limit: usize) -> Result<Vec<Record>, AppError> {
    let mut head = Vec::new();
    if limit == 0 {
        return Ok(head);
    }
    for_each_nonblank(text, delimiter, |_, line, record| {
        head.push(Record {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
        if head.len() == limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok(head)
}

/// Every non-blank record (tests and small inputs).
pub fn read_records(text: &str, delimiter: Option<u8>) -> Result<Vec<Record>, AppError> {
    read_head(text, delimiter, usize::MAX)
}

/// The `csv` crate positions a record where its reader started, before the empty lines it skipped;
/// the physical line is past those.
fn record_start_line(text: &str, position: &csv::Position) -> u64 {
    let skipped = text.as_bytes()[(position.byte() as usize).min(text.len())..]
        .iter()
        .take_while(|b| **b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// The delimiter's name as people say it.
pub fn delimiter_name(delimiter: Option<u8>) -> &'static str {
    match delimiter {
        Some(b'\t') => "tab",
        Some(b';') => "semicolon",
        Some(b',') => "comma",
        Some(b'|') => "pipe",
        Some(_) => "other",
        None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter("email,first\na@b.c,A\n"), Some(b','));
        assert_eq!(sniff_delimiter("email;first\na@b.c;A\n"), Some(b';'));
        assert_eq!(sniff_delimiter("email\tfirst\na@b.c\tA\n"), Some(b'\t'));
        assert_eq!(sniff_delimiter("email|first\na@b.c|A\n"), Some(b'|'));
        assert_eq!(sniff_delimiter("a@b.c\nd@e.f\n"), None);
    }

    #[test]
    fn semicolons_win_over_commas_inside_names() {
        let text = "Name;E-Mail\nDoe, John;john@x.de\nRoe, Jane;jane@x.de\nMax;max@x.de\n";
        assert_eq!(sniff_delimiter(text), Some(b';'));
    }

    #[test]
    fn quoted_delimiters_do_not_fool_the_sniffer() {
        let text = "email,name\n\"a@b.c\",\"Doe; John\"\n\"d@e.f\",\"Roe; Jane\"\n";
        assert_eq!(sniff_delimiter(text), Some(b','));
    }

    #[test]
    fn records_start_lines_count_embedded_newlines() {
        let text = "email,note\na@b.c,\"two\nlines\"\nd@e.f,x\n";
        let records = read_records(text, Some(b',')).unwrap();
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 4]);
        assert_eq!(records[1].cells[1], "two\nlines");
    }

    #[test]
    fn blank_lines_are_counted_in_line_numbers() {
        let lines = |t: &str| -> Vec<u64> {
            read_records(t, Some(b','))
                .unwrap()
                .iter()
                .map(|r| r.line)
                .collect()
        };
        assert_eq!(lines("a\n\nb\n"), vec![1, 3]);
        assert_eq!(lines("a\n\n\nb\nc\n"), vec![1, 4, 5]);
        assert_eq!(lines("x,y\n\"1\n2\",3\n\nb,c\n"), vec![1, 2, 5]);
        assert_eq!(lines("\n\nfirst\n"), vec![3]);
    }

    #[test]
    fn cr_only_and_crlf_endings_number_lines_like_lf() {
        for text in ["email\ra@b.c\rd@e.f\r", "email\r\na@b.c\r\nd@e.f\r\n"] {
            let text = normalize_line_endings(text);
            let records = read_records(&text, None).unwrap();
            assert_eq!(records.len(), 3);
            assert_eq!(records[2].line, 3);
            assert_eq!(records[2].cells, vec!["d@e.f"]);
        }
    }
}
