//! Pause, resume and cancel, shared between whoever drives a run (a terminal's Ctrl-C, the app's
//! buttons) and its workers. Workers check in between steps, never in the middle of one: a step that
//! has begun (its intent journaled) is finished and recorded before the worker stops.

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Running,
    Paused,
    Cancelled,
    /// Stopped as a cancel is, because whoever ran it is going away (the window closes): the
    /// batch ends `interrupted`, which the next launch offers to resume.
    Interrupted,
}

/// Cheap to clone; every clone controls the same run.
#[derive(Debug, Clone)]
pub struct RunControl {
    mode: Arc<watch::Sender<Mode>>,
}

impl Default for RunControl {
    fn default() -> Self {
        Self::new()
    }
}

impl RunControl {
    pub fn new() -> Self {
        RunControl {
            mode: Arc::new(watch::Sender::new(Mode::Running)),
        }
    }

    pub fn pause(&self) {
        self.mode.send_if_modified(|m| {
            let change = *m == Mode::Running;
            if change {
                *m = Mode::Paused;
            }
            change
        });
    }

    pub fn resume(&self) {
        self.mode.send_if_modified(|m| {
            let change = *m == Mode::Paused;
            if change {
                *m = Mode::Running;
            }
            change
        });
    }

    /// Stops the run at the next step boundary. Final: a cancelled run is resumed with `resume`.
    pub fn cancel(&self) {
        self.mode.send_replace(Mode::Cancelled);
    }

    /// Stops the run at the next step boundary, as `cancel`, leaving it `interrupted`.
    /// A run the admin already cancelled stays cancelled (closing the window then is no
    /// reason to offer it again at the next launch).
    pub fn interrupt(&self) {
        self.mode.send_if_modified(|m| {
            let change = matches!(*m, Mode::Running | Mode::Paused);
            if change {
                *m = Mode::Interrupted;
            }
            change
        });
    }

    /// Whether the run is stopping (cancelled or interrupted).
    pub fn is_cancelled(&self) -> bool {
        matches!(*self.mode.borrow(), Mode::Cancelled | Mode::Interrupted)
    }

    pub fn is_interrupted(&self) -> bool {
        *self.mode.borrow() == Mode::Interrupted
    }

    pub fn is_paused(&self) -> bool {
        *self.mode.borrow() == Mode::Paused
    }

    /// Waits while paused. `false` when the run is cancelled (the caller stops).
    pub async fn proceed(&self) -> bool {
        let mut rx = self.mode.subscribe();
        loop {
            match *rx.borrow_and_update() {
                Mode::Running => return true,
                Mode::Cancelled | Mode::Interrupted => return false,
                Mode::Paused => {}
            }
            if rx.changed().await.is_err() {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_stops_a_run_but_leaves_a_cancelled_one_cancelled() {
        let control = RunControl::new();
        control.pause();
        control.interrupt();
        assert!(control.is_cancelled() && control.is_interrupted());
        let cancelled = RunControl::new();
        cancelled.cancel();
        cancelled.interrupt();
        assert!(cancelled.is_cancelled());
        assert!(!cancelled.is_interrupted(), "a cancel stays a cancel");
    }

    #[tokio::test]
    async fn a_paused_worker_waits_until_resumed_or_cancelled() {
        let control = RunControl::new();
        assert!(control.proceed().await);
        control.pause();
        let waiting = tokio::spawn({
            let control = control.clone();
            async move { control.proceed().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a paused run must not proceed");
        control.resume();
        assert!(waiting.await.unwrap());

        control.pause();
        let waiting = tokio::spawn({
            let control = control.clone();
            async move { control.proceed().await }
        });
        control.cancel();
        assert!(!waiting.await.unwrap());
        control.resume();
        assert!(control.is_cancelled(), "cancel is final");
    }
}
