//! `invite-desk followup`: where a batch's people stand after the mail left (accepted, pending,
//! expired, not invited), reminders for the pending, new links for the expired, and `--due` for
//! every batch whose cadence has something due (a scheduled task or a cron job runs it).
//!
//! Exit codes as `run`: 0 done, 1 some reminder or new link failed, 2 a setup error (nothing was
//! sent), 3 interrupted (Ctrl-C): the next `followup` finishes the wave, nobody is mailed twice.

use clap::Args;
use invite_desk_engine::followup::cadence::Due;
use invite_desk_engine::followup::{FollowUpAction, FollowUpKind, FollowUpReport};
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::run::RunOptions;
use invite_desk_engine::service::{Selection, Service};
use invite_desk_engine::{AppError, service};
use serde::Serialize;

use crate::batch::{EXIT_INTERRUPTED, EXIT_SOME_FAILED, drive_with, run_request, runtime};
use crate::tenant;

#[derive(Args, Debug)]
pub struct FollowUpArgs {
    /// The batch to follow up (an id from `history`).
    #[arg(required_unless_present = "due", conflicts_with = "due")]
    batch_id: Option<String>,
    /// Every batch whose saved cadence has reminders or new links due: checks each, then sends them.
    #[arg(long)]
    due: bool,
    /// Mail every pending person a reminder with a new link (at most the batch's limit a person).
    #[arg(long)]
    remind: bool,
    /// Mail every person whose link expired unused a new link.
    #[arg(long)]
    reissue_expired: bool,
    /// Only these people (comma-separated addresses) for --remind / --reissue-expired.
    #[arg(long, value_name = "a@x,b@y", value_delimiter = ',')]
    only: Vec<String>,
    /// Check and say who would get what; send nothing and write nothing to the tenant.
    #[arg(long)]
    dry_run: bool,
    /// Read the tenant through this profile (the batch's own by default; it must be that tenant).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Go ahead on a production profile without asking (needed in a scheduled task).
    #[arg(long)]
    yes: bool,
}

/// `--dry-run`'s addition to the report: who would get a reminder or a new link.
#[derive(Serialize)]
struct Planned<'a> {
    #[serde(flatten)]
    report: &'a FollowUpReport,
    would_send: Due,
}

#[derive(Serialize)]
struct DueRun<'a> {
    checked_at: String,
    batches: &'a [FollowUpReport],
}

pub fn followup(args: FollowUpArgs, paths: &AppPaths) -> Result<u8, AppError> {
    let service = tenant::service(paths)?;
    if args.due {
        return due(&args, &service);
    }
    let batch_id = args.batch_id.clone().unwrap_or_default();
    let selection = if args.only.is_empty() {
        Selection::Everyone
    } else {
        Selection::Only(args.only.clone())
    };
    if !args.only.is_empty() && !args.remind && !args.reissue_expired {
        return Err(AppError::invalid_input(
            "--only says whom to remind or send a new link: give --remind or --reissue-expired",
        ));
    }
    if !args.only.is_empty() && args.remind && args.reissue_expired {
        return Err(AppError::invalid_input(
            "--only goes with one of --remind (the pending) and --reissue-expired (the expired): run them one after the other",
        ));
    }
    let mut kinds = Vec::new();
    if args.remind {
        kinds.push(FollowUpKind::Reminder);
    }
    if args.reissue_expired {
        kinds.push(FollowUpKind::Reissue);
    }
    let (report, code) = follow_up_one(&service, &batch_id, &kinds, &selection, &args)?;
    print_report(&report, &args, &service)?;
    Ok(code)
}

/// Checks one batch, sends the waves asked for, checks again (the report after the action).
fn follow_up_one(
    service: &Service,
    batch_id: &str,
    kinds: &[FollowUpKind],
    selection: &Selection,
    args: &FollowUpArgs,
) -> Result<(FollowUpReport, u8), AppError> {
    let profile = args.profile.as_deref();
    if args.dry_run || kinds.is_empty() {
        let report = block_on(service.check_follow_up_from(
            batch_id,
            profile,
            args.dry_run,
            None,
            args.yes,
        ))?;
        return Ok((report, 0));
    }
    let target = service.batch_target(batch_id)?;
    let confirmed = tenant::production_go_ahead(service, &target, args.yes, "send reminders")?;
    let mut actions: Vec<FollowUpAction> = Vec::new();
    for kind in kinds {
        let request = run_request(RunOptions::default(), None, confirmed)?;
        let sent = drive_with(&request, |request, sink| {
            service.follow_up(batch_id, *kind, selection, profile, request, sink)
        });
        let action = match sent {
            Ok(action) => action,
            // What an earlier wave of this call sent stays reported.
            Err(e) if !actions.is_empty() => {
                eprintln!(
                    "invite-desk: batch {batch_id}: the next wave did not start: {} ({})",
                    e.message,
                    e.code.as_str()
                );
                break;
            }
            Err(e) => return Err(e),
        };
        if !args.json {
            print_action(&action);
        }
        let interrupted = action.not_started > 0;
        actions.push(action);
        if interrupted {
            break;
        }
    }
    // What was sent stays said even when the check after it fails (the tenant's rate limit, the
    // network): the journal's view then stands in for the tenant's.
    let mut report = match block_on(service.check_follow_up(batch_id, profile, false, confirmed)) {
        Ok(report) => report,
        Err(e) => {
            eprintln!(
                "invite-desk: the check after sending failed ({}): showing what this machine knows",
                e.message
            );
            service.follow_up_offline(batch_id)?
        }
    };
    let code = exit_code(&actions);
    report.actions = actions;
    Ok((report, code))
}

/// Runs one service call on a runtime of its own.
fn block_on<T>(
    call: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let runtime = runtime()?;
    let _context = runtime.enter();
    runtime.block_on(call)
}

fn exit_code(actions: &[FollowUpAction]) -> u8 {
    if actions.iter().any(|a| a.not_started > 0) {
        EXIT_INTERRUPTED
    } else if actions.iter().any(|a| a.failed > 0) {
        EXIT_SOME_FAILED
    } else {
        0
    }
}

fn due(args: &FollowUpArgs, service: &Service) -> Result<u8, AppError> {
    let due = service.due_follow_ups()?;
    let mut reports = Vec::new();
    let mut code = 0;
    for batch in &due {
        let mut kinds = Vec::new();
        if !batch.due.reminders.is_empty() {
            kinds.push(FollowUpKind::Reminder);
        }
        if !batch.due.reissues.is_empty() {
            kinds.push(FollowUpKind::Reissue);
        }
        // One batch's trouble (its tenant unreachable, a production go-ahead missing) does not
        // keep the others from their reminders; it is reported and sets the exit code.
        match follow_up_one(service, &batch.batch_id, &kinds, &Selection::Due, args) {
            Ok((report, batch_code)) => {
                code = code.max(batch_code);
                if !args.json {
                    print_report(&report, args, service)?;
                }
                reports.push(report);
            }
            Err(e) => {
                eprintln!(
                    "invite-desk: batch {}: {} ({})",
                    batch.batch_id,
                    e.message,
                    e.code.as_str()
                );
                code = code.max(crate::EXIT_SETUP_ERROR);
            }
        }
    }
    if args.json {
        crate::print_json(&DueRun {
            checked_at: invite_desk_engine::ids::iso(time::OffsetDateTime::now_utc()),
            batches: &reports,
        })?;
    } else if due.is_empty() {
        println!("nothing is due");
    }
    Ok(code)
}

fn print_action(action: &FollowUpAction) {
    let what = match action.kind {
        FollowUpKind::Reminder => "reminders",
        FollowUpKind::Reissue => "new links",
    };
    if action.batch_id.is_empty() {
        println!("{what}: nobody to send to");
        return;
    }
    let resumed = if action.resumed {
        " (finishing the wave an earlier run left)"
    } else {
        ""
    };
    println!(
        "{what}{resumed}: {} {}, {} accepted meanwhile (nothing sent), {} may have been sent, {} failed, {} not started (wave {})",
        action.delivered,
        action.delivered_as.words(),
        action.accepted_meanwhile,
        action.unconfirmed,
        action.failed,
        action.not_started,
        action.batch_id
    );
}

fn print_report(
    report: &FollowUpReport,
    args: &FollowUpArgs,
    service: &Service,
) -> Result<(), AppError> {
    if args.json {
        if args.dry_run {
            let settings = service.follow_up_settings(&report.batch_id)?;
            let would_send = Due {
                reminders: if args.remind {
                    service::chosen(&settings, report, FollowUpKind::Reminder, &selection(args))?
                } else {
                    Vec::new()
                },
                reissues: if args.reissue_expired {
                    service::chosen(&settings, report, FollowUpKind::Reissue, &selection(args))?
                } else {
                    Vec::new()
                },
            };
            return crate::print_json(&Planned { report, would_send });
        }
        return crate::print_json(report);
    }
    let c = &report.counts;
    println!(
        "batch {}{}: checked {} ({})",
        report.batch_id,
        report
            .batch_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        report.checked_at.as_deref().unwrap_or("never"),
        <&str>::from(report.source)
    );
    println!(
        "  {} accepted ({} signed in), {} pending, {} expired, {} not invited",
        c.accepted, c.signed_in, c.pending, c.expired, c.not_invited
    );
    if !report.due.is_empty() {
        println!(
            "  due by the batch's cadence: {} reminders, {} new links",
            report.due.reminders.len(),
            report.due.reissues.len()
        );
    }
    for p in &report.people {
        println!(
            "  {:<40} {:<11} invited {}  link until {}  accepted {}  last sign-in {}  reminders {}",
            p.email,
            p.status.as_str(),
            p.invited_at.as_deref().unwrap_or("-"),
            p.link_expires_at.as_deref().unwrap_or("-"),
            p.accepted_at.as_deref().unwrap_or("-"),
            p.last_login.as_deref().unwrap_or("-"),
            p.reminders
        );
    }
    if args.dry_run && (args.remind || args.reissue_expired) {
        let settings = service.follow_up_settings(&report.batch_id)?;
        for (flag, kind, what) in [
            (args.remind, FollowUpKind::Reminder, "a reminder"),
            (args.reissue_expired, FollowUpKind::Reissue, "a new link"),
        ] {
            if flag {
                let who = service::chosen(&settings, report, kind, &selection(args))?;
                println!("  would send {what} to {}: {}", who.len(), who.join(", "));
            }
        }
    }
    Ok(())
}

fn selection(args: &FollowUpArgs) -> Selection {
    if args.only.is_empty() {
        Selection::Everyone
    } else {
        Selection::Only(args.only.clone())
    }
}
