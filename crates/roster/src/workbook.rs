//! XLSX, XLS and ODS workbooks through calamine: the chosen sheet (or the first) as records.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::table::Record;
use crate::AppError;

/// Whether the bytes are a workbook container (zip for XLSX/ODS, OLE for XLS).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

pub struct Sheet {
    pub name: String,
    pub all_sheets: Vec<String>,
    pub records: Vec<Record>,
}

pub fn read_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet, AppError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| AppError::invalid_input(format!("this workbook could not be opened: {e}")))?;
    let all_sheets = workbook.sheet_names();
    let name = match wanted {
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
            })?,
        None => all_sheets
            .first()
            .cloned()
            .ok_or_else(|| AppError::invalid_input("the workbook has no sheets"))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| AppError::invalid_input(format!("sheet \"{name}\" could not be read: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_col = range.start().map_or(0, |(_, col)| col) as usize;
    let records = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            // Columns left of the used range still count, so column positions match the sheet.
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            Record {
                line: u64::from(first_row) + i as u64 + 1,
                cells,
            }
        })
        .collect();
    Ok(Sheet {
        name,
        all_sheets,
        records,
    })
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
