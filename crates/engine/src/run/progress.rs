//! Progress: counts, pace, ETA and the rate-limit gauge, emitted as `progress` events at the
//! adapter's pace while a run goes on.

use super::*;

pub(super) async fn progress_ticker(ctx: Arc<Ctx>, total: u64) {
    let mut window = VecDeque::new();
    loop {
        emit_progress(&ctx, total, &mut window);
        tokio::time::sleep(ctx.options.progress_every).await;
    }
}

pub(super) fn emit_progress(ctx: &Ctx, total: u64, window: &mut VecDeque<(Instant, u64)>) {
    let done = ctx.done();
    let now = Instant::now();
    window.push_back((now, done));
    while window
        .front()
        .is_some_and(|(at, _)| now.duration_since(*at) > Duration::from_secs(5))
    {
        window.pop_front();
    }
    let people_per_sec = match window.front() {
        Some((at, first)) if now.duration_since(*at) > Duration::from_millis(500) => {
            done.saturating_sub(*first) as f64 / now.duration_since(*at).as_secs_f64()
        }
        _ => 0.0,
    };
    let remaining = total.saturating_sub(done);
    let measured = (people_per_sec > 0.0).then(|| remaining as f64 / people_per_sec);
    // Never sooner than the tenant's buckets allow for the calls still to make, nor than the pace
    // seen so far.
    let eta_secs = match (bucket_eta(ctx), measured) {
        (Some(model), Some(measured)) => Some(model.max(measured)),
        (model, measured) => model.or(measured),
    };
    let rate = ctx.client.rate();
    ctx.emit(RunEvent::Progress(Progress {
        batch_id: ctx.id().to_owned(),
        total,
        done,
        counts: ctx.counts_by_name(),
        people_per_sec,
        eta_secs,
        api_limit: rate.limit,
        api_remaining: rate.remaining,
        api_requests: ctx.client.stats.requests.load(Ordering::Relaxed),
        rate_limited: ctx.client.stats.rate_limited.load(Ordering::Relaxed),
        paused: ctx.control.is_paused(),
    }));
}

/// The least time the calls still to make take from the tenant's buckets, once its plan is known
/// from its headers.
fn bucket_eta(ctx: &Ctx) -> Option<f64> {
    let plan = ctx.client.detected_plan()?;
    let counts = ctx.counts.lock().clone();
    let at = |state: PersonState| counts.get(&state).copied().unwrap_or(0);
    let grants_to_all = !ctx.batch.invitation.roles.is_empty();
    let organization = ctx.batch.invitation.mode == InviteMode::Organization;
    let pending = at(PersonState::Pending);
    let before_ticket = at(PersonState::Existing) + at(PersonState::Created);
    let work = strategy::Workload {
        look_ups: 0,
        creates: if organization { 0 } else { pending },
        updates: 0,
        role_grants: if grants_to_all {
            pending + before_ticket
        } else {
            0
        },
        tickets: if organization {
            0
        } else {
            pending + before_ticket + at(PersonState::RolesGranted)
        },
        organization_invitations: if organization { pending } else { 0 },
    };
    let estimate = strategy::estimate(&work, ctx.batch.invitation.mode, &ctx.options, plan, true);
    Some(estimate.secs)
}
