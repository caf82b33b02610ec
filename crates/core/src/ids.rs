//! Ids and timestamps, in the forms the journal, the batch files and the results write.

use rand::Rng;

/// A new batch id: sortable by time, unique enough to never collide on one machine.
pub fn new_batch_id() -> String {
    let now = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    format!(
        "b-{stamp}-{}",
        random_text(b"0123456789abcdefghijkmnpqrstuvwxyz", 6)
    )
}

/// Text of `len` characters drawn from `alphabet` (random ids, throw-away passwords).
pub fn random_text(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// RFC 3339 in UTC, as the journal and the results write times.
pub fn iso(at: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}
