//! Any bytes, as a file or as pasted text: the roster reader returns a report or an error, never
//! panics, and its counts always add up.
#![no_main]

use invite_desk_roster::{self as roster, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    if let Ok(report) = roster::read_bytes(data, &options) {
        let s = report.summary;
        assert_eq!(s.rows, s.valid + s.errors);
        assert_eq!(s.valid as usize, report.people.len());
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(report) = roster::read_text(text, &options)
    {
        assert_eq!(report.summary.valid as usize, report.people.len());
    }
});
