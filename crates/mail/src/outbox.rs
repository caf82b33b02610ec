//! The outbox: one RFC 5322 `.eml` file per message in a folder, for offline preparation; any mail
//! client opens them. Each file is written to a temporary name and renamed, so a crash never leaves
//! half a message.

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;

use crate::error::{MailError, MailErrorKind};

fn safe(text: &str, most: usize) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '+') {
                c
            } else {
                '_'
            }
        })
        .take(most)
        .collect()
}

/// A file name made from a hint (e.g. `0042-jane.doe@example.com`): safe on every OS.
pub fn file_name(hint: &str) -> String {
    format!("{}.eml", safe(hint, 120))
}

/// The file name of one batch's message for one person: the hint (cut short if need be) and the
/// batch, so a later batch's message (a reminder, a resend) never lands on an earlier one's, and a
/// message the same batch writes again (after a crash) replaces its own.
pub fn message_file_name(hint: &str, batch: &str) -> String {
    format!("{}.{}.eml", safe(hint, 100), safe(batch, 60))
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

/// Writes the message as `<dir>/<name>` atomically and returns the path. The same name again
/// replaces the file: that is the same message written again (`message_file_name` keeps batches
/// apart).
pub fn write_eml(dir: &Path, name: &str, message: &Message) -> Result<PathBuf, MailError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not create the outbox folder {}: {e}", dir.display()),
        )
    })?;
    let path = dir.join(name);
    let io = |e: std::io::Error| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not write {}: {e}", path.display()),
        )
    };
    let mut temp = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(&message.formatted()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&path).map_err(|e| io(e.error))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_later_batch_s_message_never_replaces_an_earlier_one_s() {
        let dir = tempfile::tempdir().unwrap();
        let message = |subject: &str| {
            lettre::Message::builder()
                .from("it@example.com".parse().unwrap())
                .to("ann@example.com".parse().unwrap())
                .subject(subject)
                .body(String::from("hello"))
                .unwrap()
        };
        let hint = "00002-ann@example.com";
        let invitation = message_file_name(hint, "b-20261201-100000-aaaaaa");
        let first = write_eml(dir.path(), &invitation, &message("Invitation")).unwrap();
        let reminder = message_file_name(hint, "b-20261204-100000-bbbbbb");
        let second = write_eml(dir.path(), &reminder, &message("Reminder")).unwrap();
        assert_ne!(first, second);
        assert!(
            std::fs::read_to_string(&first)
                .unwrap()
                .contains("Subject: Invitation")
        );
        // The same batch writing its message again (after a crash) replaces its own file only.
        write_eml(dir.path(), &reminder, &message("Reminder")).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        // However long the address, the batch stays in the name.
        let long = format!("00002-{}@example.com", "a".repeat(200));
        let a = message_file_name(&long, "b-1");
        let b = message_file_name(&long, "b-2");
        assert_ne!(a, b);
        assert!(a.ends_with(".b-1.eml"), "{a}");
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
