//! Workbooks that declare or lay out far more than any seat list: each is refused with a clear
//! error before calamine is asked to reserve or lay out what they claim (it used to abort the
//! process: `memory allocation of 96000000000000 bytes failed`).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use invite_desk_roster::{self as roster, ReadOptions};
use invite_desk_testkit::workbooks;

#[test]
fn a_small_real_workbook_still_reads() {
    let report = roster::read_bytes(&workbooks::small_xlsx(), &ReadOptions::default()).unwrap();
    let emails: Vec<&str> = report.people.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(emails, ["ann@example.com", "bob@example.com"]);
}

#[test]
fn hostile_workbooks_are_refused_with_a_reason_and_never_abort() {
    for (name, _, bytes) in workbooks::hostile() {
        let error = roster::read_bytes(&bytes, &ReadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{name}: read as a list"));
        assert_eq!(
            error.code,
            invite_desk_core::ErrorCode::InvalidInput,
            "{name}"
        );
        assert!(
            error.message.contains("this workbook is not read"),
            "{name}: {}",
            error.message
        );
        // The same for the app's path (a file's bytes turned into editable text).
        let error = roster::list_text(&bytes, None)
            .err()
            .unwrap_or_else(|| panic!("{name}: turned into text"));
        assert!(
            error.message.contains("not read"),
            "{name}: {}",
            error.message
        );
    }
}

/// An XLSX that passes for an ODS (no `workbook.xml`, a `content.xml` beside it) is opened as the
/// ODS it was measured as, so it fails to open instead of being laid out unmeasured.
#[test]
fn a_workbook_is_opened_as_what_it_was_measured_as() {
    let bytes = workbooks::xlsx_passing_for_an_ods();
    let error = roster::read_bytes(&bytes, &ReadOptions::default()).expect_err("read as a list");
    assert_eq!(error.code, invite_desk_core::ErrorCode::InvalidInput);
    assert!(
        error.message.contains("could not be opened"),
        "{}",
        error.message
    );
}
