//! A panic reaches the log file (a Windows release build has no console to print it on).

#![allow(clippy::unwrap_used)]

#[test]
fn a_panic_is_written_to_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let guard = invite_desk_engine::logging::init(dir.path(), "panic-test", false).unwrap();
    let worker = std::thread::spawn(|| panic!("the journal row for line 7 was not there"));
    assert!(worker.join().is_err());
    drop(guard); // flushes the background writer
    let mut log = String::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log.contains("ERROR"), "{log}");
    assert!(
        log.contains("the journal row for line 7 was not there"),
        "{log}"
    );
    assert!(log.contains("panic_log.rs"), "the place is logged: {log}");
}
