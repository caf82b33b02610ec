//! XLSX, XLS and ODS workbooks through calamine: the chosen sheet (or the first) as records.
//!
//! A workbook comes from an HR system nobody here controls, and calamine trusts the counts a file
//! declares (it reserves memory for a shared-string table or a sheet's dimensions before reading
//! them, and builds a sheet's bounding box). So every workbook is measured first, against limits no
//! real seat list comes near (`WorkbookLimits`), and refused with a clear error when it exceeds
//! them; XLSX sheets are then read cell by cell, never as a bounding box, and no row is padded.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};

use super::table::Record;
use crate::AppError;

/// What a workbook may hold. A seat list is a few columns and at most hundreds of thousands of rows;
/// these are well above that and well below what would take the machine's memory.
pub struct WorkbookLimits;

impl WorkbookLimits {
    /// Parts of an XLSX/ODS archive, unpacked (as the archive declares them).
    pub const UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
    /// Parts in an archive.
    pub const PARTS: usize = 10_000;
    /// Distinct strings in an XLSX shared-string table.
    pub const SHARED_STRINGS: u64 = 5_000_000;
    /// Cells a sheet may have (rows × columns of the area holding data).
    pub const CELLS: u64 = 5_000_000;
    /// Columns a sheet may use (A to ALL).
    pub const COLUMNS: u32 = 1_000;
    /// Rows a sheet may use (Excel's own maximum).
    pub const ROWS: u32 = 1_048_576;
}

/// Whether the bytes are a workbook container (zip for XLSX/ODS, OLE for XLS).
pub fn is_workbook(bytes: &[u8]) -> bool {
    is_zip(bytes) || is_ole(bytes)
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

pub struct Sheet {
    pub name: String,
    pub all_sheets: Vec<String>,
    pub records: Vec<Record>,
}

fn refused(why: String) -> AppError {
    AppError::invalid_input(format!(
        "this workbook is not read: {why} (a people list never needs that; save the sheet as CSV if it really is one)"
    ))
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    AppError::invalid_input(format!("this workbook could not be opened: {e}"))
}

pub fn read_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet, AppError> {
    // Each format is opened as the one it was measured as: calamine's own detection could take an
    // archive measured as ODS for an XLSX (by its `_rels/.rels`) and lay out what was never measured.
    if is_zip(bytes) {
        let archive = measure_archive(bytes)?;
        if archive.is_xlsx {
            return read_xlsx(bytes, wanted);
        }
        measure_ods(bytes)?;
        let workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(unreadable)?;
        return read_with_ranges(workbook, wanted);
    }
    if is_ole(bytes) {
        measure_xls(bytes)?;
        let workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(unreadable)?;
        return read_with_ranges(workbook, wanted);
    }
    Err(unreadable("it is neither a zip archive nor an OLE file"))
}

fn choose_sheet(all_sheets: &[String], wanted: Option<&str>) -> Result<String, AppError> {
    match wanted {
        Some(wanted) => all_sheets
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| all_sheets.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                AppError::new(
                    crate::ErrorCode::NotFound,
                    format!(
                        "the workbook has no sheet \"{wanted}\"; its sheets are: {}",
                        all_sheets.join(", ")
                    ),
                )
            }),
        None => all_sheets
            .first()
            .cloned()
            .ok_or_else(|| AppError::invalid_input("the workbook has no sheets")),
    }
}

struct Archive {
    is_xlsx: bool,
}

/// A part's name as calamine looks parts up: without regard to case, `\` as `/`.
fn normal_name(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Checks a zip workbook's declared sizes, what kind it is, and for XLSX the shared-string counts
/// of every shared-string part, before calamine opens it (calamine reserves the declared count up
/// front, and lays out ODS and XLSB sheets as whole rectangles).
fn measure_archive(bytes: &[u8]) -> Result<Archive, AppError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > WorkbookLimits::PARTS {
        return Err(refused(format!("it has {} parts", zip.len())));
    }
    let mut unpacked: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(unreadable)?;
        unpacked = unpacked.saturating_add(part.size());
        names.push(normal_name(&part.name().map_err(unreadable)?));
    }
    if unpacked > WorkbookLimits::UNPACKED_BYTES {
        return Err(refused(format!(
            "it unpacks to {} MB",
            unpacked / (1024 * 1024)
        )));
    }
    if names
        .iter()
        .any(|n| n.ends_with(".bin") && n.contains("workbook"))
    {
        return Err(AppError::invalid_input(
            "this workbook is not read: it is a binary Excel workbook (XLSB), whose sheets cannot be measured before reading: save it as XLSX or CSV",
        ));
    }
    let is_xlsx = names.iter().any(|n| n.ends_with("workbook.xml"));
    let is_ods = names.iter().any(|n| n == "content.xml");
    if !is_xlsx && !is_ods {
        return Err(unreadable(
            "it is a zip archive but neither an XLSX nor an ODS workbook",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        if name.ends_with("sharedstrings.xml") {
            let part = zip.by_index(i).map_err(unreadable)?;
            if let Some(count) = declared_strings(part)?
                && count > WorkbookLimits::SHARED_STRINGS
            {
                return Err(refused(format!(
                    "its shared-string table declares {count} strings"
                )));
            }
        }
    }
    Ok(Archive { is_xlsx })
}

/// The larger of `count` and `uniqueCount` on a shared-string table's `<sst>` element (read as
/// XML, so any spacing or quoting is understood); a number too long to parse counts as huge.
fn declared_strings(part: impl Read) -> Result<Option<u64>, AppError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buffer = Vec::new();
    // The table's element comes first; what precedes it (a declaration, comments) is short. Other
    // elements before it are passed over, as calamine passes over them.
    for _ in 0..1_000 {
        buffer.clear();
        match reader.read_event_into(&mut buffer).map_err(unreadable)? {
            Event::Start(e) | Event::Empty(e) => {
                if e.local_name().as_ref() != "sst" {
                    continue;
                }
                let mut largest: Option<u64> = None;
                for attribute in e.attributes().flatten() {
                    let key = attribute.key.local_name();
                    if key.as_ref() == "count" || key.as_ref() == "uniqueCount" {
                        let digits: String = attribute
                            .value
                            .trim()
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        let n = if digits.is_empty() {
                            0
                        } else {
                            digits.parse().unwrap_or(u64::MAX)
                        };
                        largest = Some(largest.map_or(n, |l| l.max(n)));
                    }
                }
                return Ok(largest);
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
    Err(refused(
        "its shared-string table does not start within its first thousand XML events".into(),
    ))
}

/// An XLSX sheet, cell by cell: only the cells that hold something are kept, each row only as wide
/// as its last such cell.
fn read_xlsx(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet, AppError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let all_sheets = workbook.sheet_names();
    let name = choose_sheet(&all_sheets, wanted)?;
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| AppError::invalid_input(format!("sheet \"{name}\" could not be read: {e}")))?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut kept: u64 = 0;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| AppError::invalid_input(format!("sheet \"{name}\" could not be read: {e}")))?
    {
        let text = data_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        if row >= WorkbookLimits::ROWS || column >= WorkbookLimits::COLUMNS {
            return Err(refused(format!(
                "sheet \"{name}\" has data in row {}, column {}",
                u64::from(row) + 1,
                u64::from(column) + 1
            )));
        }
        kept += 1;
        if kept > WorkbookLimits::CELLS {
            return Err(refused(format!(
                "sheet \"{name}\" has more than {} cells with data",
                WorkbookLimits::CELLS
            )));
        }
        let cells_of_row = rows.entry(row).or_default();
        let column = column as usize;
        if cells_of_row.len() <= column {
            cells_of_row.resize(column + 1, String::new());
        }
        cells_of_row[column] = text;
    }
    let records = rows
        .into_iter()
        .map(|(row, cells)| Record {
            line: u64::from(row) + 1,
            cells,
        })
        .collect();
    Ok(Sheet {
        name,
        all_sheets,
        records,
    })
}

/// ODS and XLS through calamine's ranges, once their size is known to be sane.
fn read_with_ranges<RS, W>(mut workbook: W, wanted: Option<&str>) -> Result<Sheet, AppError>
where
    RS: std::io::Read + std::io::Seek,
    W: Reader<RS>,
    W::Error: std::fmt::Display,
{
    let all_sheets = workbook.sheet_names();
    let name = choose_sheet(&all_sheets, wanted)?;
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| AppError::invalid_input(format!("sheet \"{name}\" could not be read: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_col = range.start().map_or(0, |(_, col)| col) as usize;
    let last_col = range.end().map_or(0, |(_, col)| col as usize);
    if last_col >= WorkbookLimits::COLUMNS as usize {
        return Err(refused(format!(
            "sheet \"{name}\" has data in column {}",
            last_col + 1
        )));
    }
    let records = range
        .rows()
        .enumerate()
        .filter_map(|(i, row)| {
            let last = row.iter().rposition(|c| !matches!(c, Data::Empty))?;
            // Columns left of the used range still count, so column positions match the sheet.
            let mut cells = vec![String::new(); first_col];
            cells.extend(row[..=last].iter().map(cell_text));
            Some(Record {
                line: u64::from(first_row) + i as u64 + 1,
                cells,
            })
        })
        .collect();
    Ok(Sheet {
        name,
        all_sheets,
        records,
    })
}

/// How many cells calamine would lay out for an ODS workbook's sheets: repeated rows and columns
/// multiply, up to the last cell of a row that holds something (trailing empty repeats, which every
/// real ODS file has, cost nothing).
fn measure_ods(bytes: &[u8]) -> Result<(), AppError> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(index) = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| normal_name(&n) == "content.xml")
    }) else {
        return Ok(());
    };
    let content = zip.by_index(index).map_err(unreadable)?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buffer = Vec::new();
    let repeated = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    // Per sheet: rows laid out so far, and the widest row holding something.
    let (mut rows, mut widest): (u64, u64) = (0, 0);
    // Within a row: its repeat count and its cells.
    let mut row_repeat: u64 = 1;
    let mut row = RowCells::default();
    let mut cell_repeat: u64 = 1;
    let mut cell_has_content = false;
    let check = |rows: u64, widest: u64| -> Result<(), AppError> {
        if rows.saturating_mul(widest) > WorkbookLimits::CELLS {
            return Err(refused(format!(
                "a sheet lays out {rows} rows of {widest} columns"
            )));
        }
        Ok(())
    };
    loop {
        buffer.clear();
        let event = reader.read_event_into(&mut buffer).map_err(unreadable)?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                (rows, widest) = (0, 0);
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = repeated(&e, "table:number-rows-repeated");
                row = RowCells::default();
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                rows = rows.saturating_add(repeated(&e, "table:number-rows-repeated"));
            }
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                cell_repeat = repeated(&e, "table:number-columns-repeated");
                cell_has_content = holds_value(&e);
            }
            Event::Text(text) if text.as_ref().chars().any(|c| !c.is_whitespace()) => {
                cell_has_content = true;
            }
            Event::CData(_) => cell_has_content = true,
            // A cell ends: at its end tag, or at once when it is an empty element.
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                row.add(cell_repeat, cell_has_content);
                (cell_repeat, cell_has_content) = (1, false);
            }
            Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                row.add(
                    repeated(&e, "table:number-columns-repeated"),
                    holds_value(&e),
                );
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                rows = rows.saturating_add(row_repeat);
                if row.holds_content {
                    widest = widest.max(row.used);
                    check(rows, widest)?;
                }
                row_repeat = 1;
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// One ODS row as calamine lays it out: its columns so far, and up to the last one that holds
/// something (trailing empty repeats cost nothing).
#[derive(Default)]
struct RowCells {
    columns: u64,
    used: u64,
    holds_content: bool,
}

impl RowCells {
    fn add(&mut self, repeat: u64, filled: bool) {
        self.columns = self.columns.saturating_add(repeat);
        if filled {
            self.used = self.columns;
            self.holds_content = true;
        }
    }
}

/// Whether an ODS cell element holds a value calamine keeps: any `office:` value attribute (type,
/// value, string, boolean, date, time, currency) or a formula. Style and span attributes do not.
fn holds_value(e: &quick_xml::events::BytesStart<'_>) -> bool {
    e.attributes().flatten().any(|a| {
        let key = a.key.as_ref();
        key.starts_with("office:") || key == "table:formula"
    })
}

/// XLS (BIFF in an OLE file): the dimensions each sheet declares (calamine reserves rows × columns
/// of them) and the area its cells really cover.
fn measure_xls(bytes: &[u8]) -> Result<(), AppError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    let stream_name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name))
        .ok_or_else(|| unreadable("it has no workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(stream_name)
        .map_err(unreadable)?
        .take(WorkbookLimits::UNPACKED_BYTES + 1)
        .read_to_end(&mut stream)
        .map_err(unreadable)?;
    if stream.len() as u64 > WorkbookLimits::UNPACKED_BYTES {
        return Err(refused("its workbook stream is too large".into()));
    }
    let u16_at = |data: &[u8], at: usize| -> Option<u64> {
        Some(u64::from(u16::from_le_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
        ])))
    };
    let u32_at = |data: &[u8], at: usize| -> Option<u64> {
        Some(u64::from(u32::from_le_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
            *data.get(at + 2)?,
            *data.get(at + 3)?,
        ])))
    };
    // The area of one sheet's cells: (first row, last row, first column, last column).
    let mut area: Option<(u64, u64, u64, u64)> = None;
    let cover = |area: Option<(u64, u64, u64, u64)>, row: u64, first: u64, last: u64| {
        Some(match area {
            None => (row, row, first, last),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first), c1.max(last)),
        })
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        match kind {
            // BOF: a new sheet's area.
            0x0809 => area = None,
            // DIMENSIONS, read as calamine reads it (whose reserve is rows × columns of it).
            0x0200 => {
                let (first_row, last_row, first_col, last_col) = match data.len() {
                    10 => (
                        u16_at(data, 0).unwrap_or(0),
                        u16_at(data, 2).unwrap_or(0),
                        u16_at(data, 4).unwrap_or(0),
                        u16_at(data, 6).unwrap_or(0),
                    ),
                    14 | 16 => (
                        u32_at(data, 0).unwrap_or(0),
                        u32_at(data, 4).unwrap_or(0),
                        u16_at(data, 8).unwrap_or(0),
                        u16_at(data, 10).unwrap_or(0),
                    ),
                    // calamine refuses other lengths before reserving anything.
                    _ => (0, 0, 0, 0),
                };
                let first_col = if first_col > 0xFF || last_col < first_col {
                    0
                } else {
                    first_col
                };
                if last_row >= 1 && last_col >= 1 {
                    // calamine's arithmetic is in u32 and wraps: a first row past the last one is a
                    // size of billions.
                    let span = |first: u64, last: u64| {
                        u64::from(
                            (last as u32)
                                .wrapping_sub(1)
                                .wrapping_sub(first as u32)
                                .wrapping_add(1),
                        )
                    };
                    let (rows, columns) = (span(first_row, last_row), span(first_col, last_col));
                    if rows.saturating_mul(columns) > WorkbookLimits::CELLS {
                        return Err(refused(format!(
                            "a sheet declares {rows} rows of {columns} columns"
                        )));
                    }
                }
            }
            // Number, Label, LabelSst, RK, BoolErr, Formula, RString: row, then column.
            0x0203 | 0x0204 | 0x00FD | 0x027E | 0x0205 | 0x0006 | 0x00D6 => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    area = cover(area, row, column, column);
                }
            }
            // MulRk: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len() - 2),
                ) {
                    area = cover(area, row, first, last.max(first));
                }
            }
            _ => {}
        }
        if let Some((r0, r1, c0, c1)) = area {
            let (rows, columns) = (r1 - r0 + 1, c1 - c0 + 1);
            if rows.saturating_mul(columns) > WorkbookLimits::CELLS {
                return Err(refused(format!(
                    "a sheet's cells cover {rows} rows of {columns} columns"
                )));
            }
        }
    }
    Ok(())
}

/// A streamed cell's text, as `cell_text` writes it (strings taken as they are, without a copy
/// through `Data`).
fn data_ref_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::String(s) => s.clone(),
        other => cell_text(&Data::from(other.clone())),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Whole numbers (phone numbers, ids typed as numbers) without a trailing ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}
