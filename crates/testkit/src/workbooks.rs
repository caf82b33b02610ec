//! Workbooks for tests, built here: small real ones, and hostile ones that declare (or lay out) far
//! more than they hold, the way a 2 KB file can ask a reader for terabytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        out.start_file(*name, SimpleFileOptions::default())
            .expect("a zip part");
        out.write_all(text.as_bytes()).expect("a zip part's bytes");
    }
    out.finish().expect("a finished zip").into_inner()
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// An XLSX with one sheet "People"; `sheet_data` is the inside of `<sheetData>`.
pub fn xlsx(sheet_data: &str, shared_strings: &str) -> Vec<u8> {
    xlsx_with_strings_at("xl/sharedStrings.xml", sheet_data, shared_strings)
}

/// `xlsx`, its shared-string table kept under `strings_part`.
fn xlsx_with_strings_at(strings_part: &str, sheet_data: &str, shared_strings: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
        (strings_part, shared_strings),
    ])
}

fn empty_shared_strings(count: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"></sst>"#
    )
}

/// A header and two people.
pub fn small_xlsx() -> Vec<u8> {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="3">{}{}</row>"#,
        inline("A1", "Email"),
        inline("B1", "Name"),
        inline("A2", "ann@example.com"),
        inline("B2", "Ann Lee"),
        inline("A3", "bob@example.com"),
        inline("B3", "Bob Stone"),
    );
    xlsx(&rows, &empty_shared_strings("0"))
}

/// A shared-string table that claims 4·10¹² entries (calamine reserves what it is told).
pub fn xlsx_claiming_trillions_of_strings() -> Vec<u8> {
    let rows = format!(r#"<row r="1">{}</row>"#, inline("A1", "Email"));
    xlsx(&rows, &empty_shared_strings("4000000000000"))
}

/// A header and one cell in the sheet's very last place, XFD1048576 (a bounding box of 17·10⁹ cells).
pub fn xlsx_with_a_cell_at_the_far_corner() -> Vec<u8> {
    let rows = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "Email"),
        inline("XFD1048576", "x")
    );
    xlsx(&rows, &empty_shared_strings("0"))
}

/// A small archive whose directory declares its sheet to unpack to 3 GB.
pub fn xlsx_declaring_gigabytes() -> Vec<u8> {
    let mut bytes = small_xlsx();
    // Central directory records (PK\x01\x02) keep the unpacked size at offset 24.
    let mut at = 0;
    while let Some(found) = bytes[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let record = at + found;
        let name_len = u16::from_le_bytes([bytes[record + 28], bytes[record + 29]]) as usize;
        let name =
            String::from_utf8_lossy(&bytes[record + 46..record + 46 + name_len]).into_owned();
        if name == "xl/worksheets/sheet1.xml" {
            bytes[record + 24..record + 28].copy_from_slice(&3_000_000_000u32.to_le_bytes());
        }
        at = record + 4;
    }
    bytes
}

/// An ODS sheet with one row of 1,000 filled columns repeated 1,000,000 times.
pub fn ods_repeating_a_million_rows() -> Vec<u8> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="People"><table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
        ("META-INF/manifest.xml", manifest),
    ])
}

/// An XLS (an OLE file holding a BIFF8 stream) whose sheet declares 4·10⁹ rows of 256 columns.
pub fn xls_declaring_billions_of_rows() -> Vec<u8> {
    xls_with_dimensions(0, 4_000_000_000, 0, 256)
}

/// The trillions-of-strings table again, its parts named in capitals with a tab before the count
/// (calamine finds parts without regard to case).
pub fn xlsx_hiding_its_string_count() -> Vec<u8> {
    let rows = format!(r#"<row r="1">{}</row>"#, inline("A1", "Email"));
    let strings = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"\tuniqueCount = '4000000000000'></sst>";
    xlsx_with_strings_at("XL/SharedStrings.xml", &rows, strings)
}

/// The trillions-of-strings table behind another element, which calamine passes over.
pub fn xlsx_hiding_its_string_count_behind_an_element() -> Vec<u8> {
    let rows = format!(r#"<row r="1">{}</row>"#, inline("A1", "Email"));
    let strings = "<?xml version=\"1.0\"?><x/><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"4000000000000\"></sst>";
    xlsx_with_strings_at("xl/sharedStrings.xml", &rows, strings)
}

/// An XLSX whose workbook part is not named `workbook.xml` (its `.rels` says where it is), with a
/// cell at the far corner, and a `content.xml` beside it so it passes for an ODS.
pub fn xlsx_passing_for_an_ods() -> Vec<u8> {
    let rels = ROOT_RELS.replace("xl/workbook.xml", "x/book.xml");
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData></worksheet>"#,
        inline("A1", "Email"),
        inline("XFD1048576", "x")
    );
    zip(&[
        ("_rels/.rels", &rels),
        ("x/book.xml", WORKBOOK),
        ("x/_rels/book.xml.rels", WORKBOOK_RELS),
        ("x/worksheets/sheet1.xml", &sheet),
        ("content.xml", "<x/>"),
    ])
}

/// An ODS row of 1,000 cells holding values without `office:value-type`, repeated 1,000,000 times.
pub fn ods_repeating_values_without_a_type() -> Vec<u8> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="People"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:value="1"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
    ])
}

/// An XLS whose sheet's first row lies past its last (calamine's size arithmetic wraps).
pub fn xls_with_rows_backwards() -> Vec<u8> {
    xls_with_dimensions(1000, 10, 0, 4)
}

/// A zip with a binary workbook part (XLSB): calamine lays its sheets out as rectangles.
pub fn xlsb() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/workbook.bin", "\u{0}"),
    ])
}

fn xls_with_dimensions(first_row: u32, last_row: u32, first_col: u16, last_col: u16) -> Vec<u8> {
    let record = |kind: u16, data: &[u8]| -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    };
    let bof = [0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut dimensions = Vec::new();
    dimensions.extend_from_slice(&first_row.to_le_bytes());
    dimensions.extend_from_slice(&last_row.to_le_bytes());
    dimensions.extend_from_slice(&first_col.to_le_bytes());
    dimensions.extend_from_slice(&last_col.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    let mut stream = record(0x0809, &bof);
    stream.extend(record(0x0200, &dimensions));
    stream.extend(record(0x000A, &[]));
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("an OLE file");
    file.create_stream("/Workbook")
        .expect("a workbook stream")
        .write_all(&stream)
        .expect("the stream's bytes");
    file.flush().expect("a flushed OLE file");
    file.into_inner().into_inner()
}

/// Every hostile workbook, by what it tries.
pub fn hostile() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        (
            "trillions-of-strings",
            "xlsx",
            xlsx_claiming_trillions_of_strings(),
        ),
        (
            "far-corner-cell",
            "xlsx",
            xlsx_with_a_cell_at_the_far_corner(),
        ),
        ("declares-gigabytes", "xlsx", xlsx_declaring_gigabytes()),
        (
            "million-repeated-rows",
            "ods",
            ods_repeating_a_million_rows(),
        ),
        ("billions-of-rows", "xls", xls_declaring_billions_of_rows()),
        (
            "hidden-string-count",
            "xlsx",
            xlsx_hiding_its_string_count(),
        ),
        (
            "untyped-repeated-values",
            "ods",
            ods_repeating_values_without_a_type(),
        ),
        ("rows-backwards", "xls", xls_with_rows_backwards()),
        ("binary-workbook", "xlsb", xlsb()),
        (
            "string-count-behind-an-element",
            "xlsx",
            xlsx_hiding_its_string_count_behind_an_element(),
        ),
    ]
}
