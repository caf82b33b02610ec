//! Pausing a run from outside (Unix): `kill -USR1 <pid>` pauses it between steps (the steps under
//! way finish and are journaled), `kill -USR2 <pid>` continues. Ctrl-Z is left to the shell: it
//! freezes the whole process at once, in the middle of whatever request is on the wire.

use invite_desk_engine::run::RunControl;

#[cfg(unix)]
pub fn pause_on_signals(control: RunControl, quiet: bool) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut pause), Ok(mut resume)) = (
        signal(SignalKind::user_defined1()),
        signal(SignalKind::user_defined2()),
    ) else {
        tracing::warn!("SIGUSR1/SIGUSR2 could not be listened to: pausing by signal is off");
        return;
    };
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = pause.recv() => {
                    tracing::info!("SIGUSR1: pausing between steps");
                    if !quiet {
                        eprintln!("paused (SIGUSR1): the steps under way finish; `kill -USR2 {}` continues", std::process::id());
                    }
                    control.pause();
                }
                Some(()) = resume.recv() => {
                    tracing::info!("SIGUSR2: continuing");
                    if !quiet {
                        eprintln!("continuing (SIGUSR2)");
                    }
                    control.resume();
                }
                else => return,
            }
        }
    });
}

#[cfg(not(unix))]
pub fn pause_on_signals(_control: RunControl, _quiet: bool) {}
