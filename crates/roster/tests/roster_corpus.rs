//! The roster corpus: one file per real-world export shape (made by roster_corpus/make_corpus.py),
//! each with its expected outcome written out by hand.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::PathBuf;

use invite_desk_core::ErrorCode;
use invite_desk_roster::{
    self as roster, Person, ReadOptions, RosterReport, Severity, SourceFormat,
};

fn read(name: &str) -> RosterReport {
    read_with(name, ReadOptions::default())
}

fn read_with(name: &str, options: ReadOptions) -> RosterReport {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/roster_corpus")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    roster::read_bytes(&bytes, &options).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn emails(report: &RosterReport) -> Vec<&str> {
    report.people.iter().map(|p| p.email.as_str()).collect()
}

fn person<'a>(report: &'a RosterReport, email: &str) -> &'a Person {
    report
        .people
        .iter()
        .find(|p| p.email == email)
        .unwrap_or_else(|| panic!("{email} missing"))
}

/// (line, severity, field, start of message) for every problem.
fn problems(report: &RosterReport) -> Vec<(u64, Severity, Option<&str>, &str)> {
    report
        .problems
        .iter()
        .map(|p| (p.line, p.severity, p.field.as_deref(), p.message.as_str()))
        .collect()
}

fn counts(report: &RosterReport) -> (u64, u64, u64, u64) {
    let s = report.summary;
    (s.rows, s.valid, s.errors, s.warnings)
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

#[test]
fn excel_csv_utf8_with_bom() {
    let r = read("excel-csv-utf8.csv");
    assert_eq!(r.source.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(r.source.delimiter.as_deref(), Some("comma"));
    assert!(r.source.has_header);
    assert_eq!(
        counts(&r),
        (4, 3, 1, 0),
        "the two ',,,,' rows are blank and skipped"
    );
    assert_eq!(
        emails(&r),
        [
            "jane.doe@example.com",
            "zoe.muller@example.de",
            "omar@example.org"
        ]
    );
    let jane = person(&r, "jane.doe@example.com");
    assert_eq!(jane.line, 2);
    assert_eq!(jane.roles, ["admin", "viewer"]);
    assert_eq!(jane.app_metadata["department"], "Sales");
    let zoe = person(&r, "zoe.muller@example.de");
    assert_eq!(
        (zoe.given_name.as_deref(), zoe.family_name.as_deref()),
        (Some("Zoë"), Some("Müller"))
    );
    assert_eq!(
        person(&r, "omar@example.org").app_metadata["department"],
        "Finance, EMEA"
    );
    assert_eq!(
        problems(&r),
        [(4, E, Some("email"), "missing email address")]
    );
}

#[test]
fn excel_csv_german_windows_1252_semicolons() {
    let r = read("excel-csv-de-cp1252.csv");
    assert_eq!(r.source.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(r.source.delimiter.as_deref(), Some("semicolon"));
    assert_eq!(counts(&r), (4, 2, 2, 1));
    assert_eq!(
        emails(&r),
        ["juergen.muessig@firma.de", "gisela.weiß@firma.de"]
    );
    let j = person(&r, "juergen.muessig@firma.de");
    assert_eq!(
        (j.given_name.as_deref(), j.family_name.as_deref()),
        (Some("Jürgen"), Some("Müßig"))
    );
    let p = problems(&r);
    assert_eq!(p[0].0, 3);
    assert!(p[0].3.contains("\"firma\" has no dot"), "{p:?}");
    assert_eq!(
        (p[1].0, p[1].1),
        (4, W),
        "non-ASCII local part is usable but odd"
    );
    assert_eq!(
        p[2],
        (
            5,
            E,
            Some("email"),
            "duplicate of line 2 (juergen.muessig@firma.de)"
        )
    );
}

#[test]
fn excel_csv_french_windows_1252() {
    let r = read("excel-csv-fr-cp1252.csv");
    assert_eq!(r.source.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(counts(&r), (3, 3, 0, 1));
    assert_eq!(
        emails(&r),
        [
            "helene.lefevre@societe.fr",
            "francois.garcon@societe.fr",
            "noël@societe.fr"
        ]
    );
    let h = person(&r, "helene.lefevre@societe.fr");
    assert_eq!(
        (h.given_name.as_deref(), h.family_name.as_deref()),
        (Some("Hélène"), Some("Lefèvre"))
    );
    assert_eq!(
        person(&r, "noël@societe.fr").family_name.as_deref(),
        Some("Bœuf")
    );
    // "lecteur; éditeur" splits into two roles even inside a semicolon-separated file: the cell was
    // quoted-less, so the sniffed delimiter split it and only "lecteur" reaches the Roles column.
    assert_eq!(person(&r, "noël@societe.fr").roles, ["lecteur"]);
}

#[test]
fn excel_unicode_text_utf16_tabs() {
    let r = read("excel-unicode-text.txt");
    assert_eq!(r.source.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(r.source.delimiter.as_deref(), Some("tab"));
    assert_eq!(counts(&r), (4, 3, 1, 0));
    let jane = person(&r, "jane@example.com");
    assert_eq!(
        (jane.given_name.as_deref(), jane.family_name.as_deref()),
        (Some("Jane"), Some("Doe"))
    );
    assert_eq!(jane.name.as_deref(), Some("Doe, Jane"));
    let mary = person(&r, "mary.ann@example.com");
    assert_eq!(
        (mary.given_name.as_deref(), mary.family_name.as_deref()),
        (Some("Mary Ann"), Some("Smith"))
    );
    assert_eq!(
        person(&r, "taro@example.jp").family_name.as_deref(),
        Some("太郎")
    );
    assert_eq!(problems(&r)[0].0, 5);
}

#[test]
fn google_sheets_quotes_and_embedded_newlines() {
    let r = read("google-sheets.csv");
    assert_eq!(counts(&r), (4, 3, 1, 0));
    assert_eq!(
        person(&r, "sean@example.ie").family_name.as_deref(),
        Some("O\"Brien")
    );
    assert_eq!(
        person(&r, "sean@example.ie").user_metadata["locale"],
        "en-IE"
    );
    // The multi-line notes cell moves every later line number down by one.
    assert_eq!(person(&r, "li@example.cn").line, 4);
    assert_eq!(
        person(&r, "pat@example.com").user_metadata["locale"],
        serde_json::json!({"tz": "UTC"})
    );
    let p = problems(&r);
    assert_eq!(
        (p[0].0, p[0].1, p[0].2),
        (6, E, Some("user_metadata.locale"))
    );
    assert!(p[0].3.starts_with("invalid metadata"), "{p:?}");
}

#[test]
fn libreoffice_all_quoted_keeps_hostile_content_verbatim() {
    let r = read("libreoffice.csv");
    assert_eq!(counts(&r), (3, 3, 0, 1));
    let eve = person(&r, "eve@example.com");
    assert_eq!(eve.given_name.as_deref(), Some("<script>alert(1)</script>"));
    assert_eq!(
        eve.family_name.as_deref(),
        Some("=HYPERLINK(\"http://evil.example\",\"click\")")
    );
    assert_eq!(problems(&r)[0].2, Some("family_name"));
}

#[test]
fn numbers_semicolons_with_a_title_row() {
    let r = read("numbers.csv");
    assert_eq!(r.source.delimiter.as_deref(), Some("semicolon"));
    assert!(r.source.has_header);
    assert_eq!(counts(&r), (3, 2, 1, 1));
    let tim = person(&r, "tim@example.com");
    assert_eq!(
        (tim.given_name.as_deref(), tim.family_name.as_deref()),
        (Some("Tim"), Some("Apple"))
    );
    let timothy = person(&r, "timothy@example.com");
    assert_eq!(
        (
            timothy.given_name.as_deref(),
            timothy.family_name.as_deref()
        ),
        (Some("Timothy"), Some("Cook"))
    );
    let p = problems(&r);
    assert_eq!(
        p[0],
        (1, W, None, "skipped: this row is above the header row")
    );
    assert_eq!((p[1].0, p[1].1), (5, E));
    assert!(p[1].3.contains("space"));
}

#[test]
fn outlook_and_gmail_address_lines() {
    let r = read("outlook-paste.txt");
    assert_eq!(r.source.format, SourceFormat::AddressLines);
    assert_eq!(counts(&r), (7, 5, 2, 0));
    assert_eq!(
        emails(&r),
        [
            "jane.doe@example.com",
            "john.smith@example.org",
            "ravi@example.in",
            "anna@example.se",
            "e.only@example.com"
        ]
    );
    let john = person(&r, "john.smith@example.org");
    assert_eq!(
        (john.given_name.as_deref(), john.family_name.as_deref()),
        (Some("John"), Some("Smith"))
    );
    assert_eq!(
        person(&r, "ravi@example.in").name.as_deref(),
        Some("Ravi Kumar")
    );
    assert_eq!(person(&r, "anna@example.se").line, 2);
    let p = problems(&r);
    assert_eq!(
        p[0],
        (
            2,
            E,
            Some("email"),
            "duplicate of line 1 (jane.doe@example.com)"
        )
    );
    assert!(p[1].3.contains("\"nope\""), "{p:?}");
}

#[test]
fn bare_list_with_cr_endings_blank_lines_and_mailto() {
    let r = read("bare-list.txt");
    assert_eq!(r.source.delimiter.as_deref(), Some("none"));
    assert_eq!(counts(&r), (4, 2, 2, 0));
    assert_eq!(emails(&r), ["alice@example.com", "bob@example.com"]);
    assert_eq!(person(&r, "bob@example.com").line, 3);
    let p = problems(&r);
    assert_eq!(p[0].0, 4);
    assert_eq!(
        p[1],
        (
            6,
            E,
            Some("email"),
            "duplicate of line 1 (alice@example.com)"
        )
    );
}

fn check_workbook(name: &str) {
    let r = read(name);
    assert_eq!(r.source.format, SourceFormat::Workbook);
    assert_eq!(r.source.sheet.as_deref(), Some("People"));
    assert_eq!(r.source.sheets, ["People", "Notes"]);
    assert_eq!(counts(&r), (4, 3, 1, 0));
    assert_eq!(
        emails(&r),
        [
            "wb.one@example.com",
            "wb.two@example.com",
            "wb.three@example.com"
        ]
    );
    let one = person(&r, "wb.one@example.com");
    assert_eq!(
        one.app_metadata["employee_id"], "1042",
        "a number cell is text without .0"
    );
    assert_eq!(one.roles, ["admin"]);
    assert_eq!(
        person(&r, "wb.three@example.com").roles,
        ["viewer", "admin"]
    );
    assert_eq!(person(&r, "wb.three@example.com").line, 6);
    assert_eq!(problems(&r)[0].0, 5);

    let notes = read_with(
        name,
        ReadOptions {
            sheet: Some("notes".into()),
            mapping: None,
        },
    );
    assert_eq!(emails(&notes), ["notes.only@example.com"]);

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/roster_corpus")
        .join(name);
    let err = roster::read_bytes(
        &std::fs::read(path).unwrap(),
        &ReadOptions {
            sheet: Some("Nope".into()),
            mapping: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        err.message.contains("its sheets are: People, Notes"),
        "{}",
        err.message
    );
}

#[test]
fn xlsx_workbook() {
    check_workbook("workbook.xlsx");
}

#[test]
fn ods_workbook() {
    check_workbook("workbook.ods");
}

#[test]
fn unreadable_input_is_a_clear_error() {
    let err = roster::read_bytes(b"", &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("empty"), "{}", err.message);
    let err = roster::read_bytes(b"\r\n\n \t \n", &ReadOptions::default()).unwrap_err();
    assert!(err.message.contains("empty"), "{}", err.message);
    let err =
        roster::read_bytes(b"PK\x03\x04not really a zip", &ReadOptions::default()).unwrap_err();
    assert!(
        err.message.contains("workbook could not be opened"),
        "{}",
        err.message
    );
    let err = roster::read_bytes(b"Name,Phone\nJane,123\n", &ReadOptions::default()).unwrap_err();
    assert!(
        err.message
            .contains("no column of this list holds email addresses"),
        "{}",
        err.message
    );
}

#[test]
fn pasted_text_and_a_mapping_override() {
    let text = "Mail,Dept,Phone\na@b.co,Sales,1\nc@d.co,Ops,2\n";
    let options = ReadOptions {
        sheet: None,
        mapping: Some(roster::MappingOverride {
            has_header: Some(true),
            roles: Some(vec![
                roster::ColumnRole::Email,
                roster::ColumnRole::UserMetadata("dept".into()),
                roster::ColumnRole::Ignore,
            ]),
        }),
    };
    let r = roster::read_text(text, &options).unwrap();
    assert_eq!(emails(&r), ["a@b.co", "c@d.co"]);
    assert_eq!(r.people[1].user_metadata["dept"], "Ops");
    assert_eq!(r.source.columns[1].header.as_deref(), Some("Dept"));
    assert_eq!(r.source.columns[1].sample.as_deref(), Some("Sales"));
    assert!(r.people[0].app_metadata.is_empty());
}
