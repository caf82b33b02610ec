//! Property: any list the `csv` crate writes (any delimiter it may be given, any names with quotes,
//! delimiters, line breaks or non-ASCII) reads back as exactly the same people.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use invite_desk_roster::{self as roster, ReadOptions};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Row {
    email: String,
    given: String,
    family: String,
}

fn address() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9._+-]{0,12}[a-z0-9]",
        "[a-z][a-z0-9-]{0,10}[a-z]",
        "(com|org|de|fr|io)",
    )
        .prop_map(|(local, domain, tld)| format!("{local}@{domain}.{tld}"))
        .prop_filter("no double dots", |a| !a.contains(".."))
}

/// Names as people type them, including everything that needs quoting.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ一-龥 ,;|\t\"'\n<>=+()&-]{0,24}"
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (address(), name(), name()).prop_map(|(email, given, family)| Row {
            email,
            given,
            family,
        }),
        1..40,
    )
}

fn expected_name(cell: &str) -> Option<String> {
    let trimmed = cell.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn what_csv_writes_reads_back_as_the_same_people(
        rows in rows(),
        delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        uppercase in any::<bool>(),
    ) {
        // Unique addresses: duplicates are (correctly) reported, not read back.
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<Row> = rows.into_iter().filter(|r| seen.insert(r.email.clone())).collect();

        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        writer.write_record(["Email", "First name", "Last name"]).unwrap();
        for row in &rows {
            let email = if uppercase { row.email.to_uppercase() } else { row.email.clone() };
            writer.write_record([email.as_str(), &row.given, &row.family]).unwrap();
        }
        let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
        bytes.extend(writer.into_inner().unwrap());

        let report = roster::read_bytes(&bytes, &ReadOptions::default()).unwrap();
        let errors: Vec<_> = report.problems.iter().filter(|p| p.severity == roster::Severity::Error).collect();
        prop_assert!(errors.is_empty(), "unexpected errors: {:?}", errors);
        prop_assert_eq!(report.people.len(), rows.len());
        for (person, row) in report.people.iter().zip(&rows) {
            prop_assert_eq!(&person.email, &row.email);
            // Line breaks inside names are data; CRLF written inside a quoted cell reads back as LF.
            let given = expected_name(&row.given).map(|g| g.replace("\r\n", "\n"));
            let family = expected_name(&row.family).map(|f| f.replace("\r\n", "\n"));
            prop_assert_eq!(&person.given_name, &given);
            prop_assert_eq!(&person.family_name, &family);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = roster::read_bytes(&bytes, &ReadOptions::default());
    }

    #[test]
    fn arbitrary_text_never_panics_and_counts_add_up(text in "(?s).{0,400}") {
        if let Ok(report) = roster::read_text(&text, &ReadOptions::default()) {
            let s = report.summary;
            prop_assert_eq!(s.rows, s.valid + s.errors);
            prop_assert_eq!(s.valid as usize, report.people.len());
        }
    }
}
