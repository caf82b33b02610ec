//! Writing the engine's own files: whole or not at all; and the OS file locks that keep two
//! processes (the app and a script, two terminals) from working on the same thing at once.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::{AppError, ErrorCode};

/// Writes a temporary file beside `path`, syncs it, renames it into place and syncs the folder: a
/// crash or a power cut leaves the old file or the new one, never half of one, and never loses a
/// rename that already returned.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |e: std::io::Error| AppError::io("write", path, &e);
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(dir).map_err(|e| AppError::io("sync the folder of", path, &e))
}

/// The rename is durable only once the folder's entry is on disk (POSIX). Windows has no handle to
/// a folder to sync: NTFS journals the rename itself.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

fn open_lock_file(path: &Path) -> Result<File, AppError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| AppError::io("open the lock file", path, &e))
}

/// Held while a read-modify-write of a shared file happens (`profiles.json` from the CLI and the
/// app at once): released when dropped.
pub struct FileLock {
    _file: File,
}

/// Waits for the exclusive lock on `path` (created if need be).
pub fn lock_exclusive(path: &Path) -> Result<FileLock, AppError> {
    let file = open_lock_file(path)?;
    file.lock().map_err(|e| AppError::io("lock", path, &e))?;
    Ok(FileLock { _file: file })
}

/// The lock of one thing a single process may work on at a time (a batch's run), with the process
/// id of its holder written inside for the message the others get.
pub struct OwnerLock {
    file: File,
    path: PathBuf,
}

impl OwnerLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OwnerLock {
    fn drop(&mut self) {
        // Emptied so a stale pid is never reported; the lock itself goes with the handle.
        let _ = self.file.set_len(0);
    }
}

/// The pid a lock's holder wrote. It writes it just after taking the lock, so a reader may come in
/// between: a few short tries. Windows forbids reading a locked file: then there is none.
fn holder_pid(path: &Path) -> Option<u32> {
    for _ in 0..20 {
        let mut text = String::new();
        if File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .is_err()
        {
            return None;
        }
        if let Ok(pid) = text.trim().parse::<u32>() {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

/// Takes the lock on `path` at once, or says who holds it: `what` names the thing in the error
/// ("batch b-1 is being run by another Invite Desk (pid 4242)").
pub fn try_lock_owner(path: &Path, what: &str) -> Result<OwnerLock, AppError> {
    let mut file = open_lock_file(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder_pid(path)
                .map(|pid| format!(" (pid {pid})"))
                .unwrap_or_default();
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{what} is being run by another Invite Desk{holder}: wait for it to end, or stop it first"
                ),
            ));
        }
        Err(TryLockError::Error(e)) => return Err(AppError::io("lock", path, &e)),
    }
    let io = |e: std::io::Error| AppError::io("write", path, &e);
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(OwnerLock {
        file,
        path: path.to_owned(),
    })
}

/// Whether `id` may become part of a file name: letters, digits, `-` and `_` only, so an id read
/// from a batch file can never point outside its folder.
pub fn check_file_id(what: &str, id: &str) -> Result<(), AppError> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_input(format!(
            "{what} \"{id}\" may hold only letters, digits, - and _ (at most 100)"
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks/b-1.lock");
        let first = try_lock_owner(&path, "batch b-1").unwrap();
        let err = try_lock_owner(&path, "batch b-1").err().unwrap();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(
            err.message
                .contains(&format!("(pid {})", std::process::id())),
            "{}",
            err.message
        );
        drop(first);
        let again = try_lock_owner(&path, "batch b-1").unwrap();
        assert_eq!(again.path(), path);
    }

    #[test]
    fn ids_that_would_leave_their_folder_are_refused() {
        for bad in [
            "../x",
            "a/b",
            "a\\b",
            "",
            "b 1",
            "b\u{0}1",
            &"x".repeat(101),
        ] {
            assert!(check_file_id("batch id", bad).is_err(), "{bad:?}");
        }
        check_file_id("batch id", "b-20261201-081733-a1b2c3").unwrap();
        check_file_id("batch id", "resend-20261201_x").unwrap();
    }
}
