//! The outbox: one RFC 5322 `.eml` file per message in a folder, for offline preparation; any mail
//! client opens them. Each file is written to a temporary name and renamed, so a crash never leaves
//! half a message.

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;

use crate::error::{MailError, MailErrorKind};

/// A file name made from a hint (e.g. `0042-jane.doe@example.com`): safe on every OS.
pub fn file_name(hint: &str) -> String {
    let safe: String = hint
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '+') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    format!("{safe}.eml")
}

/// Hidden files a write in progress uses; one left by a killed process is swept later.
const PARTIAL_PREFIX: &str = ".invite-desk-partial-";

/// Removes the half-written files a killed process left in an outbox (older than ten minutes, so
/// a write another batch has under way into the same folder is never touched). Best effort.
pub fn sweep_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let stale = std::time::Duration::from_secs(600);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > stale);
        if old && name.to_string_lossy().starts_with(PARTIAL_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes the message as `<dir>/<hint>.eml` atomically and returns the path. A file already there
/// (the person's invitation, when this is a reminder or a resend) is never replaced: the message
/// goes to `<hint>-2.eml`, `<hint>-3.eml`, … instead.
pub fn write_eml(dir: &Path, hint: &str, message: &Message) -> Result<PathBuf, MailError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not create the outbox folder {}: {e}", dir.display()),
        )
    })?;
    let first = dir.join(file_name(hint));
    let io = |e: std::io::Error| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not write {}: {e}", first.display()),
        )
    };
    let mut temp = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(&message.formatted()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    for n in 1..=10_000u32 {
        let path = if n == 1 {
            first.clone()
        } else {
            dir.join(file_name(&format!("{hint}-{n}")))
        };
        match temp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(io(e.error)),
        }
    }
    Err(io(std::io::Error::other(
        "10,000 messages for this person are already there",
    )))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_second_message_for_a_person_never_replaces_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let message = |subject: &str| {
            lettre::Message::builder()
                .from("it@example.com".parse().unwrap())
                .to("ann@example.com".parse().unwrap())
                .subject(subject)
                .body(String::from("hello"))
                .unwrap()
        };
        let first = write_eml(dir.path(), "00002-ann@example.com", &message("Invitation")).unwrap();
        let second = write_eml(dir.path(), "00002-ann@example.com", &message("Reminder")).unwrap();
        let third = write_eml(dir.path(), "00002-ann@example.com", &message("Reminder 2")).unwrap();
        assert!(first.ends_with("00002-ann@example.com.eml"));
        assert!(second.ends_with("00002-ann@example.com-2.eml"));
        assert!(third.ends_with("00002-ann@example.com-3.eml"));
        let text = std::fs::read_to_string(&first).unwrap();
        assert!(text.contains("Subject: Invitation"), "{text}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 3, "no temporary file left behind");
    }

    #[test]
    fn a_killed_writes_leftover_is_swept_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(format!("{PARTIAL_PREFIX}abc.tmp"));
        let fresh = dir.path().join(format!("{PARTIAL_PREFIX}def.tmp"));
        let message = dir.path().join("00002-ann@example.com.eml");
        for path in [&stale, &fresh, &message] {
            std::fs::write(path, "x").unwrap();
        }
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for path in [&stale, &message] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(an_hour_ago)
                .unwrap();
        }
        sweep_partials(dir.path());
        assert!(!stale.exists(), "the old half-written file is gone");
        assert!(fresh.exists(), "a write under way is left alone");
        assert!(message.exists(), "messages are never touched");
    }
}
