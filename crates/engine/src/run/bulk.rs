//! Creating many users at once: import jobs (files under 500 KB, at most two jobs at once, polled),
//! their errors mapped back to their people.

use super::*;

/// Creates users through import jobs: look everyone up, then files of at most
/// `import_file_bytes`, at most two jobs at once (Auth0's limit), each polled to its end and its
/// errors mapped back to its people. People the jobs could not settle stay `pending` with their
/// planned id, and the per-person pass finishes them.
pub(super) async fn bulk_create(
    ctx: &Arc<Ctx>,
    records: Vec<PersonRecord>,
    searched_absent: Option<std::collections::HashSet<String>>,
) -> Result<Vec<PersonRecord>, AppError> {
    // 1. Who is new: the batched search said so already (a duplicate it missed comes back from the
    // job as DUPLICATED_USER and is looked up by address), or look-ups one by one.
    let mut to_create: Vec<Person> = Vec::new();
    if let Some(absent) = searched_absent {
        to_create = records
            .iter()
            .filter(|r| super::lookup::to_look_up(r) && absent.contains(&r.email.to_lowercase()))
            .filter_map(|r| ctx.people.get(&r.email.to_lowercase()).cloned())
            .collect();
    } else {
        look_up_one_by_one(ctx, &records, &mut to_create).await?;
    }
    to_create.sort_by_key(|p| p.line);
    import_people(ctx, to_create).await?;
    lock(&ctx.journal).people(ctx.id())
}

/// Looks each person up by address, concurrently, applying the existing-user policy.
async fn look_up_one_by_one(
    ctx: &Arc<Ctx>,
    records: &[PersonRecord],
    to_create: &mut Vec<Person>,
) -> Result<(), AppError> {
    let semaphore = Arc::new(Semaphore::new(ctx.options.concurrency.max(1)));
    let mut lookups = JoinSet::new();
    // Someone with a planned id had a create begun in this batch (interrupted, held back or
    // retried): the per-person pass looks for exactly that user, never the existing-user policy.
    for record in records.iter().filter(|r| {
        r.state == PersonState::Pending && r.open_intent.is_none() && r.planned_user_id.is_none()
    }) {
        let Some(person) = ctx.people.get(&record.email.to_lowercase()).cloned() else {
            continue;
        };
        let Some(permit) = slot(ctx, &semaphore).await? else {
            break;
        };
        let ctx = ctx.clone();
        lookups.spawn(async move {
            let _permit = permit;
            let mut current = Current::at(PersonState::Pending);
            let result = match ctx.client.users_by_email(&person.email).await {
                Ok(found) => match pick_existing(found, &ctx.batch.invitation.connection) {
                    Some(user) => existing_user(&ctx, &person, &mut current, &user).map(|()| None),
                    None => Ok(Some(person.clone())),
                },
                Err(e) => Err(Stop::Failed(e.into())),
            };
            let journaled = |settled: Result<(), Stop>| {
                settled.map(|()| None).map_err(|s| match s {
                    Stop::Fatal(e) | Stop::Failed(e) => e,
                    Stop::Cancelled => AppError::new(ErrorCode::Cancelled, "cancelled"),
                })
            };
            match result {
                Ok(to_create) => Ok(to_create),
                // Everyone's failure, not this person's: held back like in the per-person pass.
                Err(Stop::Failed(e)) if is_systemic(&e) => journaled(ctx.hold(&person, e)),
                Err(Stop::Failed(e)) => journaled(ctx.fail(&person, &mut current, &e)),
                Err(Stop::Fatal(e)) => Err(e),
                Err(Stop::Cancelled) => Ok(None),
            }
        });
    }
    while let Some(joined) = lookups.join_next().await {
        let decided =
            joined.map_err(|e| AppError::internal(format!("a worker stopped: {e}")))??;
        to_create.extend(decided);
    }
    Ok(())
}

/// Import files of the new people, two jobs at a time.
async fn import_people(ctx: &Arc<Ctx>, to_create: Vec<Person>) -> Result<(), AppError> {
    // 2. Import files.
    let mut files: Vec<(ImportChunk, Vec<u8>)> = Vec::new();
    let mut chunk: Vec<(Person, String)> = Vec::new();
    let mut body: Vec<u8> = b"[".to_vec();
    for person in to_create {
        let planned = planned_user_id();
        let mut user = Map::new();
        user.insert("email".into(), json!(person.email.to_lowercase()));
        user.insert("email_verified".into(), json!(false));
        user.insert("user_id".into(), json!(planned));
        if let Some(v) = &person.given_name {
            user.insert("given_name".into(), json!(v));
        }
        if let Some(v) = &person.family_name {
            user.insert("family_name".into(), json!(v));
        }
        if let Some(v) = display_name(&person) {
            user.insert("name".into(), json!(v));
        }
        user.insert(
            "app_metadata".into(),
            Value::Object(ctx.metadata(&person, "invited")),
        );
        if let Some(metadata) = super::user_metadata(&person) {
            user.insert("user_metadata".into(), Value::Object(metadata));
        }
        let encoded = serde_json::to_vec(&Value::Object(user))
            .map_err(|e| AppError::internal(format!("could not encode an import row: {e}")))?;
        if encoded.len() + 2 > ctx.options.import_file_bytes {
            // One person alone too large for a file: the per-person pass creates them.
            continue;
        }
        if !chunk.is_empty() && body.len() + 1 + encoded.len() + 1 > ctx.options.import_file_bytes {
            body.push(b']');
            files.push((
                std::mem::take(&mut chunk),
                std::mem::replace(&mut body, b"[".to_vec()),
            ));
        }
        if !chunk.is_empty() {
            body.push(b',');
        }
        body.extend_from_slice(&encoded);
        chunk.push((person, planned));
    }
    if !chunk.is_empty() {
        body.push(b']');
        files.push((chunk, body));
    }

    // 3. Jobs, two at a time.
    let jobs_at_once = Arc::new(Semaphore::new(2));
    let mut jobs = JoinSet::new();
    for (number, (chunk, body)) in files.into_iter().enumerate() {
        let Some(permit) = slot(ctx, &jobs_at_once).await? else {
            break;
        };
        let ctx = ctx.clone();
        jobs.spawn(async move {
            let _permit = permit;
            import_file(&ctx, number + 1, chunk, body).await
        });
    }
    while let Some(joined) = jobs.join_next().await {
        joined.map_err(|e| AppError::internal(format!("an import worker stopped: {e}")))??;
    }
    Ok(())
}

/// The people of one import file, each with their planned user id.
type ImportChunk = Vec<(Person, String)>;

async fn import_file(
    ctx: &Ctx,
    number: usize,
    chunk: ImportChunk,
    body: Vec<u8>,
) -> Result<(), AppError> {
    let intents: Vec<(&str, Option<&str>)> = chunk
        .iter()
        .map(|(p, id)| (p.email.as_str(), Some(id.as_str())))
        .collect();
    lock(&ctx.journal).begin_many(ctx.id(), &intents, Step::CreateUser)?;
    let connection_id = ctx
        .connection_id
        .clone()
        .ok_or_else(|| AppError::internal("no connection id for the import"))?;
    let form = ImportUsers {
        connection_id,
        upsert: false,
        external_id: Some(format!("{}-{number}", ctx.id())),
        send_completion_email: false,
    };
    let job = match ctx.client.import_users(&form, body).await {
        Ok(job) => job,
        Err(e) => {
            // The job may or may not exist: its people keep their open intents and planned ids,
            // and the per-person pass looks for each before creating them.
            tracing::warn!(error = %e, "an import job could not be started; creating its people one by one");
            return Ok(());
        }
    };
    let mut job = job;
    loop {
        ctx.emit(RunEvent::Job {
            batch_id: ctx.id().to_owned(),
            job_id: job.id.clone(),
            status: job.status.clone(),
            people: chunk.len() as u64,
        });
        if job.status == "completed" || job.status == "failed" {
            break;
        }
        if ctx.control.is_cancelled() {
            return Ok(());
        }
        tokio::time::sleep(ctx.options.job_poll).await;
        job = match ctx.client.job(&job.id).await {
            Ok(job) => job,
            Err(e) => {
                tracing::warn!(error = %e, "an import job could not be polled; its people are checked one by one");
                return Ok(());
            }
        };
    }
    if job.status == "failed" {
        tracing::warn!(job = %job.id, "an import job failed; its people are checked one by one");
        return Ok(());
    }
    let errors = ctx.client.job_errors(&job.id).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not read an import job's errors; its people are checked one by one");
        Vec::new()
    });
    /// Auth0's code for a user the connection already has.
    const DUPLICATED_USER: &str = "DUPLICATED_USER";
    // Per person: whether the job found them already there, and its words for every problem.
    let mut failed: HashMap<String, (bool, String)> = HashMap::new();
    for error in errors {
        let Some(email) = error.user.get("email").and_then(Value::as_str) else {
            continue;
        };
        let duplicate = error.errors.iter().any(|d| d.code == DUPLICATED_USER);
        let detail = error
            .errors
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        failed.insert(email.to_lowercase(), (duplicate, detail));
    }
    for (person, planned) in &chunk {
        let mut current = Current::at(PersonState::Pending);
        let settled = match failed.get(&person.email.to_lowercase()) {
            // Settled by the per-person pass: a duplicate is looked up there, other problems are
            // the person's (their data).
            Some((true, _)) => Ok(()),
            Some((false, detail)) => ctx.fail(
                person,
                &mut current,
                &AppError::invalid_input(format!("the import job refused this person: {detail}")),
            ),
            None => ctx.set(
                person,
                &mut current,
                PersonState::Created,
                &Outcome {
                    user_id: Some(&format!("auth0|{planned}")),
                    ..Outcome::default()
                },
            ),
        };
        match settled {
            Ok(()) | Err(Stop::Cancelled) => {}
            Err(Stop::Fatal(e) | Stop::Failed(e)) => return Err(e),
        }
    }
    Ok(())
}
