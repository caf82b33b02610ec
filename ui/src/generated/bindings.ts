// Generated from the Rust types by crates/engine/src/bindings.rs. Do not edit by hand:
// run `UPDATE_BINDINGS=1 cargo test -p invite-desk-engine bindings` after changing them.

/**
 * The closed set of error codes. Adding one is a contract change: the UI switches on these.
 */
export type ErrorCode = "invalid_input" | "not_found" | "io" | "keychain" | "auth" | "network" | "rate_limited" | "conflict" | "cancelled" | "needs_confirmation" | "internal";

/**
 * An error as the user sees it: `{ "code": "...", "message": "..." }`.
 */
export type AppError = { code: ErrorCode, message: string, };

/**
 * A person's outcome that is not known to be a failure.
 */
export type Unsettled = "delivery_unconfirmed" | "not_finished";

/**
 * Why one person of a batch is not done: the code of the error that stopped them, or one of the
 * two outcomes that are no request's error (a mail that may have been sent; a run that stopped
 * before reaching them). Serialized as the bare code, so `--results` CSV/JSON keep their strings.
 */
export type PersonErrorCode = ErrorCode | Unsettled;

export type AppInfo = { name: string, version: string, data_dir: string, log_dir: string, };

export type SecretKind = "client-secret" | "smtp-password" | "signing-key";

/**
 * How an expiry date is written.
 */
export type DateFormat = "written" | "iso" | "day_month_year" | "month_day_year" | "day_month_numeric" | "month_day_numeric";

/**
 * What every message of a batch shares. Empty names are fine: the built-in wording then says
 * what it needs to without them.
 */
export type MessageSettings = { 
/**
 * The application people are invited to ("Portal"); empty: none is named.
 */
app_name: string, 
/**
 * Who invites: the customer's organization or the sender's name; empty: none is named.
 */
organization: string, 
/**
 * Where to ask for a new invitation: an address or a URL; empty: "the person who invited you".
 */
support_contact: string, date_format: DateFormat, 
/**
 * The batch's language (a BCP 47 tag): the wording of everyone whose list gives none, or one
 * the template has no wording in. Absent in files written before languages: English.
 */
language: string, };

/**
 * The three parts of a message as markup: the advanced way to write one language's message, and
 * what wording is laid out into.
 */
export type TemplateSet = { subject: string, html: string, text: string, };

/**
 * Which message of a batch.
 */
export type MessageKind = "invitation" | "reminder" | "reissue";

/**
 * What the link does, which decides what the person is asked to do.
 */
export type LinkKind = "password-change" | "email-verification" | "organization";

/**
 * One language's wording of one message.
 */
export type Wording = { 
/**
 * One line.
 */
subject: string, 
/**
 * "Hello {{ greeting_name }},"
 */
greeting: string, 
/**
 * Before the button: who invites, what to do.
 */
paragraphs: Array<string>, 
/**
 * The button that opens the link (the text part writes the label, then the link).
 */
button: string, 
/**
 * After the button: when the link expires, how to get a new one.
 */
notes: Array<string>, 
/**
 * Its lines are kept ("Best regards,\n{{ organization }}").
 */
sign_off: string, 
/**
 * Under the button in the HTML part, before the link written out: "If the button does not
 * work, copy this address into your browser:".
 */
link_hint: string, };

/**
 * An image carried inside the message as a `data:` URL: no mail client fetches anything to show it.
 */
export type Logo = { 
/**
 * `image/png`, `image/jpeg` or `image/gif`.
 */
media_type: string, 
/**
 * The image, base64.
 */
data: string, 
/**
 * Said instead when images are off (often the organization's name).
 */
alt: string, };

/**
 * How the layout looks: the same in every language.
 */
export type Style = { 
/**
 * The button's colour, `#rrggbb`.
 */
accent: string, 
/**
 * A logo shown above the greeting, embedded in the message (never fetched from elsewhere).
 */
logo: Logo | null, };

/**
 * One language's message.
 */
export type Variant = Wording | TemplateSet;

/**
 * A message in every language it is written in. Read also from the shape batch files had before
 * languages (a bare `subject`, `html` and `text`), as English markup.
 */
export type Template = { 
/**
 * By language: canonical BCP 47 tags (`de`, `de-AT`, `pt-BR`).
 */
languages: { [key in string]: Variant }, style: Style, };

/**
 * A template as a file: saved in the data folder, exported, imported, given to `--template`.
 */
export type TemplateFile = { format: string, version: number, 
/**
 * What the admin calls it ("Acme onboarding").
 */
name: string | null, 
/**
 * Which message it is for.
 */
message: MessageKind, style: Style, languages: { [key in string]: Variant }, };

/**
 * What a column holds.
 */
export type ColumnRole = { "role": "email" } | { "role": "given_name" } | { "role": "family_name" } | { "role": "name" } | { "role": "roles" } | { "role": "app_metadata", "key": string } | { "role": "user_metadata", "key": string } | { "role": "locale" } | { "role": "external_id" } | { "role": "ignore" };

/**
 * The admin's corrections to what was detected.
 */
export type MappingOverride = { 
/**
 * Whether the list has a header row; detected when absent. `true` when none was detected takes
 * the first non-blank row.
 */
has_header?: boolean, 
/**
 * One role per column, replacing the detected ones; columns beyond the list are ignored.
 */
roles?: Array<ColumnRole>, };

/**
 * How the caller wants the input read.
 */
export type ReadOptions = { 
/**
 * The workbook sheet to read (default: the first).
 */
sheet?: string, mapping?: MappingOverride, };

export type SourceFormat = "delimited" | "address_lines" | "workbook";

/**
 * One column as detected, for the mapping screen.
 */
export type ColumnInfo = { index: number, 
/**
 * The header cell, when the list has a header row.
 */
header: string | null, role: ColumnRole, 
/**
 * The first non-empty value below the header, to help choose a role.
 */
sample: string | null, };

/**
 * What the input turned out to be.
 */
export type SourceInfo = { format: SourceFormat, 
/**
 * Encoding of a text input (`UTF-8`, `UTF-16LE`, `windows-1252`, …).
 */
encoding: string | null, 
/**
 * `comma`, `semicolon`, `tab`, `pipe`, or `none` (one column) for delimited text.
 */
delimiter: string | null, sheet: string | null, sheets: Array<string>, has_header: boolean, columns: Array<ColumnInfo>, };

/**
 * Counts over the entries (rows, or addresses on address lines) that were not blank.
 */
export type Summary = { 
/**
 * Entries read (blank rows and the header are not counted).
 */
rows: number, 
/**
 * Entries that became a person: `rows = valid + errors`.
 */
valid: number, 
/**
 * Entries left out because of at least one error.
 */
errors: number, 
/**
 * Warnings (kept entries with something odd), counted one per warning.
 */
warnings: number, };

export type Severity = "error" | "warning";

/**
 * Something wrong (error: the row is left out) or odd (warning: the row is kept) on a line.
 */
export type Problem = { line: number, severity: Severity, field: string | null, message: string, };

/**
 * A valid person, ready for a batch.
 */
export type Person = { 
/**
 * 1-based physical line where the person's record starts.
 */
line: number, email: string, given_name: string | null, family_name: string | null, name: string | null, roles: Array<string>, app_metadata: Record<string, unknown>, user_metadata: Record<string, unknown>, 
/**
 * Their language, a canonical BCP 47 tag (`de-AT`); `None`: the batch's language. Absent in
 * batch files written before languages.
 */
locale: string | null, 
/**
 * The list's own id for them (an employee number), for the results; absent in batch files
 * written before it.
 */
external_id: string | null, };

export type RosterReport = { summary: Summary, 
/**
 * Valid people only, in input order.
 */
people: Array<Person>, 
/**
 * Errors and warnings, in input order.
 */
problems: Array<Problem>, source: SourceInfo, };

/**
 * A file as editable text: what the People step shows in its paste box, so a file and a paste are
 * checked, fixed and read the same way.
 */
export type ListText = { 
/**
 * The file's name, when the list came from a file.
 */
file_name: string | null, text: string, 
/**
 * The encoding the file was decoded from; `null` for a workbook.
 */
encoding: string | null, 
/**
 * The workbook sheet that was read, and every sheet it has.
 */
sheet: string | null, sheets: Array<string>, };

/**
 * One row as its cells.
 */
export type EditableRow = { line: number, cells: Array<string>, };

export type InviteMode = "password-change" | "email-verification" | "organization";

/**
 * What happens to people who already have an account.
 */
export type ExistingPolicy = "skip" | "reinvite" | "grant";

export type Delivery = { "kind": "smtp", url: string, from: string, reply_to: string | null, } | { "kind": "outbox", dir: string, 
/**
 * The sender written in each message (a placeholder address when absent).
 */
from: string | null, } | { "kind": "export-links", file: string, } | { "kind": "auth0" };

export type InvitationSettings = { mode: InviteMode, 
/**
 * The database connection's name.
 */
connection: string, ttl_secs: number, 
/**
 * Where the ticket leads after use (classic login); exclusive with `client_id`.
 */
result_url: string | null, 
/**
 * The application whose login follows the ticket (new Universal Login).
 */
client_id: string | null, organization_id: string | null, mark_email_as_verified: boolean, 
/**
 * Appended after the ticket's `#`, e.g. `type=invite&app=Portal`.
 */
hash_params: string | null, 
/**
 * Role names, granted to everyone (on top of each person's own roles).
 */
roles: Array<string>, 
/**
 * Stamped on every user's app_metadata.
 */
app_metadata: Record<string, unknown>, existing: ExistingPolicy, 
/**
 * Append a signed invitation token (HS256 JWT: user id, email, expiry) to `result_url`, so the
 * application the link leads to can check who arrives. The key is the profile's signing key in
 * the keychain, never in this file.
 */
sign_result_url: boolean, };

/**
 * What a journaled batch was for. Only `invitation` and `resend` batches can be the source of a
 * resend: a copied link was handed to a support agent, not mailed, so copying its settings would
 * "resend" nothing.
 */
export type BatchPurpose = "invitation" | "resend" | "link_copy" | "reminder" | "reissue";

/**
 * How a batch is followed up: a cadence `invite-desk followup --due` (and the app when it opens)
 * carries out, the limit on reminders, and whether acceptance is written back to Auth0.
 */
export type FollowUpSettings = { 
/**
 * Days after the invitation at which people who have not accepted get a reminder, e.g.
 * `[3, 6]`. Empty: no reminder is scheduled (`followup --remind` still sends one).
 */
remind_after_days: Array<number>, 
/**
 * People whose link expired unused get a new one, once, when the cadence runs.
 */
reissue_expired: boolean, 
/**
 * At most this many reminders a person, however they are asked for.
 */
max_reminders: number, 
/**
 * Sets `app_metadata.invitation.status` to `accepted` when a check sees acceptance.
 */
mark_accepted: boolean, 
/**
 * The reminder's wording (the built-in one, right for the batch's mode, when absent).
 */
reminder_template: Template | null, 
/**
 * The new link's wording (the built-in one when absent).
 */
reissue_template: Template | null, };

export type BatchFile = { format: string, version: number, id: string, created_at: string, name: string | null, people: Array<Person>, invitation: InvitationSettings, message: MessageSettings, 
/**
 * The invitation's wording in every language; absent: the built-in wording, right for the
 * mode (and for the purpose: a reminder wave's is the reminder's).
 */
template: Template | null, delivery: Delivery, 
/**
 * Absent in files written before resends and copied links were told apart: an invitation.
 */
purpose: BatchPurpose, 
/**
 * Reminders, new links for the expired, writing acceptance back (absent: none scheduled).
 */
follow_up: FollowUpSettings, 
/**
 * For a follow-up wave (reminder, re-issue): the batch it follows up.
 */
follows: string | null, };

/**
 * One step of a person's plan.
 */
export type PlannedStep = "look_up" | "skip" | "create_user" | "update_metadata" | "grant_roles" | "issue_ticket" | "invite_to_organization" | "send_mail" | "write_eml" | "export_link";

export type PersonPlan = { line: number, email: string, existing: boolean, steps: Array<PlannedStep>, };

/**
 * How people are looked up before anything is written.
 */
export type LookupStrategy = "one_by_one" | "batched_search" | "export";

/**
 * One bucket's share of a run.
 */
export type BucketLoad = { 
/**
 * What draws from it, as an admin reads it ("tickets, jobs and roles", "all calls").
 */
bucket: string, calls: number, burst: number, per_minute: number, 
/**
 * The least time these calls take from this bucket, full at the start.
 */
secs: number, };

/**
 * The estimate a dry run shows and a run's ETA follows.
 */
export type RateEstimate = { 
/**
 * The plan whose buckets the estimate uses ("Enterprise", "Essentials/Professional", "Free").
 */
plan: string, 
/**
 * True when the tenant's own headers named the plan; false when it is assumed (no tenant asked).
 */
plan_detected: boolean, lookup: LookupStrategy, creation: Creation, buckets: Array<BucketLoad>, 
/**
 * The bucket that sets the pace.
 */
limiting: string | null, api_calls: number, secs: number, 
/**
 * One sentence: "2,000 calls to tickets, jobs and roles at 150/min: about 13 min; user reads
 * and user writes are not the limit."
 */
summary: string, };

export type Plan = { people: Array<PersonPlan>, to_create: number, existing: number, skipped: number, messages: number, 
/**
 * As the run will make them (batched look-ups included), from `rate`.
 */
api_calls: number, 
/**
 * The slowest bucket's time: `rate.secs`.
 */
estimated_secs: number, 
/**
 * Per bucket of the tenant's plan: the calls, their time, the limit, and the choices made.
 */
rate: RateEstimate, };

/**
 * Where a person stands. `pending → (skipped | existing | created) → roles_granted → ticketed →
 * delivered`, `existing → roles_granted → granted` for grant-only, or `failed` from any step.
 * `unconfirmed` is where a mail whose sending was interrupted ends: it may have been sent, so it is
 * never re-sent silently; the admin decides (resend).
 */
export type PersonState = "pending" | "skipped" | "existing" | "created" | "roles_granted" | "ticketed" | "delivered" | "granted" | "unconfirmed" | "failed";

/**
 * The external writes that are journaled as intents before they happen.
 */
export type Step = "create_user" | "grant_roles" | "issue_ticket" | "send_mail";

/**
 * One person's row.
 */
export type PersonRecord = { line: number, email: string, state: PersonState, user_id: string | null, link_expires_at: string | null, 
/**
 * A step begun and not finished when the run stopped: it may or may not have happened.
 */
open_intent: Step | null, error_code: PersonErrorCode | null, error_message: string | null, };

/**
 * Where a batch stands as a whole.
 */
export type BatchStatus = "prepared" | "failed_to_start" | "running" | "interrupted" | "cancelled" | "finished";

/**
 * The counts of a follow-up check, and when it was made.
 */
export type CheckedCounts = { checked_at: string, accepted: number, pending: number, expired: number, not_invited: number, signed_in: number, };

/**
 * A batch as the journal lists it.
 */
export type BatchSummary = { id: string, created_at: string, status: BatchStatus, name: string | null, total: number, 
/**
 * People per state (states with nobody are left out).
 */
counts: Partial<Record<PersonState, number>>, 
/**
 * How it delivers (`None` for a batch file of an unknown kind).
 */
delivered_as: DeliveredAs | null, 
/**
 * The tenant profile it ran on (`None`: run without a saved profile, or recorded before
 * targets were kept): whom to look its people up in.
 */
profile: string | null, 
/**
 * What the last follow-up check saw (`None` before one): History's funnel without asking
 * the tenant again.
 */
follow_up: CheckedCounts | null, };

/**
 * One past invitation of a person, for look-ups.
 */
export type PersonHistory = { batch_id: string, batch_created_at: string, 
/**
 * The name the admin gave the batch (a resend's or a copied link's says so).
 */
batch_name: string | null, 
/**
 * What the batch was: `invitation`, `resend`, `link_copy`, `reminder`, `reissue` (`None`: an
 * invitation recorded before purposes were kept).
 */
purpose: string | null, 
/**
 * What "delivered" was in that batch.
 */
delivered_as: DeliveredAs | null, record: PersonRecord, 
/**
 * `(at, kind, detail)`, oldest first.
 */
events: Array<[string, string, string]>, };

/**
 * The outcome scripts branch on (`--results` CSV `status` column).
 */
export type ResultStatus = "invited" | "skipped" | "granted" | "failed";

export type PersonResult = { email: string, status: ResultStatus, user_id: string | null, 
/**
 * A human explanation when `status` is `failed`.
 */
error: string | null, error_code: PersonErrorCode | null, line: number, 
/**
 * The journal's state (finer than `status`).
 */
state: PersonState, link_expires_at: string | null, 
/**
 * What happened, in the words the app and History use: "sent", "written to outbox",
 * "link exported", "not started", "failed"…
 */
result: string, 
/**
 * The list's own columns, so a results file can be matched back to it.
 */
external_id: string | null, given_name: string | null, family_name: string | null, 
/**
 * The full name as the list gave it (a list with one name column has no split names).
 */
name: string | null, };

export type Progress = { batch_id: string, total: number, 
/**
 * People in a final state.
 */
done: number, 
/**
 * People per state (states with nobody are left out).
 */
counts: Partial<Record<PersonState, number>>, 
/**
 * People finished per second over the last few seconds.
 */
people_per_sec: number, 
/**
 * Seconds until everyone is done: no sooner than the tenant's buckets allow for the calls still
 * to make (once its headers named its plan), nor than the pace so far; `null` until either is
 * known.
 */
eta_secs: number | null, 
/**
 * The tenant's rate limit as last reported, and how much of it is left.
 */
api_limit: number | null, api_remaining: number | null, api_requests: number, rate_limited: number, paused: boolean, };

/**
 * How a run ended.
 */
export type RunStatus = "finished" | "cancelled" | "interrupted";

/**
 * How a run creates users.
 */
export type Creation = "individual" | "bulk";

export type RunEvent = { "event": "started", batch_id: string, 
/**
 * The name the admin gave the batch.
 */
name: string | null, total: number, creation: Creation, resumed: boolean, 
/**
 * What "delivered" means for this batch: sent, written to outbox, link exported…
 */
delivered_as: DeliveredAs, } | { "event": "person", batch_id: string, line: number, email: string, state: PersonState, user_id: string | null, error_code: PersonErrorCode | null, error_message: string | null, } | { "event": "progress" } & Progress | { "event": "job", batch_id: string, job_id: string, status: string, people: number, } | { "event": "finished", batch_id: string, status: RunStatus, counts: { [key in string]: number }, failed: number, elapsed_secs: number, 
/**
 * Why the run stopped itself: the failure several people in a row met.
 */
stopped_by: AppError | null, };

/**
 * Where a person stands. The CLI's `--json`, the app and History use these words.
 */
export type FollowUpStatus = "accepted" | "pending" | "expired" | "not_invited";

/**
 * Where the statuses came from.
 */
export type FollowUpSource = "logs" | "users" | "export" | "journal";

/**
 * One person's follow-up.
 */
export type PersonFollowUp = { email: string, status: FollowUpStatus, 
/**
 * When their first invitation of this batch was delivered.
 */
invited_at: string | null, 
/**
 * When the newest link they were sent stops working.
 */
link_expires_at: string | null, 
/**
 * When they used a link (or joined), when the tenant says.
 */
accepted_at: string | null, 
/**
 * Their last sign-in, if they have signed in.
 */
last_login: string | null, 
/**
 * Reminders delivered so far.
 */
reminders: number, 
/**
 * New links delivered after an expiry so far.
 */
reissues: number, };

export type FollowUpCounts = { accepted: number, pending: number, expired: number, not_invited: number, 
/**
 * Of the accepted, those who have signed in.
 */
signed_in: number, };

export type FollowUpKind = "reminder" | "reissue";

/**
 * How a batch delivers, in the words every screen, the CLI and the exports use for it: only
 * `sent` left the machine through a mail server.
 */
export type DeliveredAs = "sent" | "written_to_outbox" | "link_exported" | "sent_by_auth0";

/**
 * What a reminder or re-issue wave did.
 */
export type FollowUpAction = { 
/**
 * `reminder` or `reissue`.
 */
kind: FollowUpKind, 
/**
 * The wave's own batch id (its journal entry; not listed in History).
 */
batch_id: string, 
/**
 * People the wave delivered a new link to, the way `delivered_as` says.
 */
delivered: number, 
/**
 * What "delivered" was for this batch: sent through the mail server, written to the outbox,
 * or put in the link export (nothing left the machine for the last two).
 */
delivered_as: DeliveredAs, 
/**
 * People found to have accepted right before their send: nothing sent.
 */
accepted_meanwhile: number, 
/**
 * People whose mail may have been sent (the run stopped while sending).
 */
unconfirmed: number, failed: number, 
/**
 * People the wave did not reach (cancelled, or stopped by the breaker).
 */
not_started: number, 
/**
 * Whether this wave was one an earlier run left unfinished, finished now.
 */
resumed: boolean, };

/**
 * What a batch's cadence has due now.
 */
export type Due = { 
/**
 * Pending people whose next reminder's day has come (and who have reminders left).
 */
reminders: Array<string>, 
/**
 * Expired people who have not had a new link yet (with `reissue_expired`).
 */
reissues: Array<string>, };

/**
 * A batch's follow-up: the contract of `invite-desk followup --json`.
 */
export type FollowUpReport = { batch_id: string, batch_name: string | null, 
/**
 * When the tenant was asked (`None`: never, the statuses are the journal's alone).
 */
checked_at: string | null, source: FollowUpSource, counts: FollowUpCounts, people: Array<PersonFollowUp>, 
/**
 * Reminders and new links sent by this call.
 */
actions: Array<FollowUpAction>, 
/**
 * What is due by the batch's cadence now (none without a cadence).
 */
due: Due, };

/**
 * A batch with something due, for `followup --due` and the app's "4 reminders are due".
 */
export type DueBatch = { batch_id: string, batch_name: string | null, due: Due, };

export type Profile = { name: string, 
/**
 * Tenant host name (`acme.eu.auth0.com`), or a loopback URL for the sandbox.
 */
domain: string, client_id: string, 
/**
 * The database connection invitations create users in.
 */
connection: string | null, smtp_url: string | null, 
/**
 * The sender, e.g. `Acme IT <it@acme.example>`.
 */
from: string | null, 
/**
 * Runs against a production profile ask for confirmation.
 */
production: boolean, 
/**
 * The most SMTP connections a run opens at once (providers cap them); 8 when not set. A run
 * opens one per 100 messages up to this.
 */
smtp_connections?: number, };

/**
 * One account with this address in the tenant.
 */
export type TenantAccount = { user_id: string, connections: Array<string>, created_at: string | null, email_verified: boolean | null, logins_count: number | null, last_login: string | null, blocked: boolean | null, 
/**
 * "Ann Lee": given and family name, else the name the tenant has.
 */
name: string | null, 
/**
 * The roles the user has, by name; `None` when the tenant did not say (a missing
 * `read:roles` scope, or too many accounts to ask about).
 */
roles: Array<string> | null, app_metadata: Record<string, unknown>, user_metadata: Record<string, unknown>, 
/**
 * `app_metadata.invitation` as the last invitation stamped it (status, batch_id, at).
 */
invitation: unknown, };

export type Lookup = { email: string, 
/**
 * `None` when the tenant was not asked (no credentials).
 */
tenant: Array<TenantAccount> | null, 
/**
 * Past invitations from the journal, newest first.
 */
history: Array<PersonHistory>, 
/**
 * Where they stand in the newest batch that invited them (follow-up), if one did.
 */
follow_up: PersonFollowUp | null, 
/**
 * That batch.
 */
follow_up_batch: string | null, };

export type PlanOption = { name: string, label: string, };

/**
 * The rate-limit plans a built-in tenant offers.
 */
export type PlanChoice = { current: string, 
/**
 * Each plan's name (as `choose_plan` takes it) and label.
 */
options: Array<PlanOption>, };

/**
 * A profile as the Tenants screen shows it: which secrets are stored, never their values.
 */
export type ProfileView = { profile: Profile, 
/**
 * The built-in Sandbox profile (not editable, no keychain entries).
 */
builtin: boolean, stored: Array<SecretKind>, 
/**
 * The built-in tenant's rate-limit plans, when it offers a choice.
 */
plan: PlanChoice | null, };

/**
 * Secrets typed into the Tenants screen. Absent or empty fields leave the stored value alone.
 */
export type NewSecrets = { client_secret?: string, smtp_password?: string, signing_key?: string, };

/**
 * A database connection as *Test connection* shows it.
 */
export type ConnectionSummary = { name: string, 
/**
 * Invite-only: users cannot sign themselves up.
 */
signup_disabled: boolean, 
/**
 * Whether this profile's client is among the connection's enabled clients (`null`: not said).
 */
enabled_for_client: boolean | null, };

/**
 * A role or an organization: what pickers show.
 */
export type NamedItem = { id: string, name: string, description: string | null, };

/**
 * A scope that only some batches need, and whether the client has it.
 */
export type OptionalScope = { scope: string, 
/**
 * What a batch can do only with it ("grant roles", "organization invitations").
 */
needed_for: string, 
/**
 * `null` when the token does not say.
 */
granted: boolean | null, };

/**
 * Whether the tenant can take a batch: `invite-desk check` exits 0, 1 or 2 by it.
 */
export type Readiness = "ready" | "usable_with_warnings" | "not_usable";

/**
 * *Test connection*: what the client may do, where users can go, the rate limit seen.
 */
export type TenantReport = { 
/**
 * The saved profile checked (`null`: a tenant given by domain and client id).
 */
profile: string | null, 
/**
 * The tenant as reached (host name, or the sandbox's loopback URL).
 */
tenant: string, 
/**
 * Scopes the access token grants (`null` when the token does not say).
 */
granted: Array<string> | null, 
/**
 * The scopes every run needs (`REQUIRED_SCOPES`).
 */
needed: Array<string>, 
/**
 * Needed scopes the client lacks.
 */
missing: Array<string>, optional: Array<OptionalScope>, connections: Array<ConnectionSummary>, roles: Array<NamedItem>, organizations: Array<NamedItem>, 
/**
 * Sections that could not be read (a missing scope, say): `[section, message]`.
 */
warnings: Array<[string, string]>, 
/**
 * The size of the rate-limit bucket the last answer drew from (requests allowed at once, not
 * requests a second), and what was left in it.
 */
rate_limit: number | null, rate_remaining: number | null, 
/**
 * The connection asked about (`--connection`, else the profile's), if any.
 */
connection: string | null, readiness: Readiness, 
/**
 * Why it is not `ready`, one sentence each, with the fix.
 */
advice: Array<string>, };

/**
 * The wizard as the admin left it: the list as typed (with its fixes), the mapping chosen, the
 * batch settings so far, and the step they were on. No secrets.
 */
export type Draft = { id: string, saved_at: string, 
/**
 * `people`, `invitation`, `email` or `review`.
 */
step: string, profile: string | null, source_text: string, mapping: MappingOverride | null, batch: BatchFile, 
/**
 * The batch file this draft was opened from (its name): its destinations are shown and, where
 * they differ from the profile, confirmed before it runs.
 */
opened_from: string | null, 
/**
 * The Invitation step's fields as typed, once typed in (right or wrong): what the form shows.
 */
typed: TypedFields, };

/**
 * The Invitation step's fields as the admin typed them, right or wrong (a URL without
 * `https://`, 400 days, half a JSON object): a saved draft opens with what was written, not with
 * the last value that read, and Review waits until it reads. `None`: never typed, the field shows
 * the batch's value.
 */
export type TypedFields = { ttl_days: string | null, result_url: string | null, app_metadata: string | null, remind_after_days: string | null, };

export type DraftSummary = { id: string, saved_at: string, name: string | null, step: string, people: number, };

/**
 * One person's invitation exactly as it will be sent, with a sample link.
 */
export type PreviewMessage = { line: number, 
/**
 * The language it is written in (a BCP 47 tag) and that language's name ("German").
 */
language: string, language_name: string, 
/**
 * The person's own language, when the list gives one.
 */
person_language: string | null, 
/**
 * Whether the message is written in the person's language (or the nearest form of it:
 * `de` for `de-AT`); false: they read the batch's language instead.
 */
person_language_has_wording: boolean, 
/**
 * Not wrong enough to refuse, worth fixing: a language whose words read as another, parts
 * that say different things, a subject too long to be read whole.
 */
warnings: Array<string>, to: string, from: string, subject: string, 
/**
 * The id the HTML body is kept under for the preview frame (`Service::preview_page`).
 */
page: string, text: string, 
/**
 * What the message loads from the internet when opened (images, style sheets, fonts): the
 * preview blocks them, a mail client may not. Embedded `data:`/`cid:` images are not listed.
 */
remote_resources: Array<string>, };

/**
 * A saved template as lists show it.
 */
export type SavedTemplate = { name: string, message: MessageKind, 
/**
 * Its languages' tags.
 */
languages: Array<string>, 
/**
 * The profiles whose new batches start with it.
 */
default_for: Array<string>, };

/**
 * What the window hears of a file dragged from the desktop onto it: the pointer coming over and
 * leaving (to highlight the drop zone), and the dropped file read as editable text, or why it could
 * not be. The path stays in Rust; the webview only gets the text.
 */
export type DroppedList = { "kind": "over" } | { "kind": "left" } | { "kind": "read", list: ListText, } | { "kind": "failed", error: AppError, };

export type Settings = { 
/**
 * The profile a new batch starts with.
 */
default_profile: string | null, 
/**
 * Link lifetime for new batches, as `7d`, `48h`, `3600s`.
 */
ttl: string, existing: ExistingPolicy, 
/**
 * What new batches' messages say about the sender.
 */
message: MessageSettings, 
/**
 * Where results and batch files are exported (default: the Downloads folder).
 */
export_dir: string | null, 
/**
 * By profile: the saved template its new batches start with.
 */
default_template: { [key in string]: string }, 
/**
 * How new batches deliver.
 */
delivery: DeliveryDefault, 
/**
 * The outbox folder of new batches (default: `outbox/` in the data folder).
 */
outbox_dir: string | null, };

/**
 * How new batches deliver, so a second wave starts as the first was sent.
 */
export type DeliveryDefault = "profile_mail_server" | "outbox";

/**
 * One thing a batch sends somewhere, or decides.
 */
export type DestinationKind = "tenant" | "connection" | "mode" | "mail_server" | "from" | "reply_to" | "result_url" | "result_app" | "hash_parameters" | "roles" | "metadata_keys" | "outbox_folder" | "links_file" | "remote_resource";

export type Destination = { what: DestinationKind, value: string, 
/**
 * The profile's own setting, when the batch's is different.
 */
profile_value: string | null, 
/**
 * Whether the person running the batch must confirm this one (it differs from the profile, or
 * sends links, tokens or reads somewhere the profile does not name).
 */
attention: boolean, 
/**
 * Why it needs attention, in words.
 */
why: string | null, };

export type Destinations = { items: Array<Destination>, 
/**
 * Any item needs the person's confirmation.
 */
needs_confirmation: boolean, };

/**
 * The folders the app can show in the system file manager.
 */
export type Folder = "data" | "logs" | "exports";

/**
 * What a delivery was, in the words of whoever took it, and when.
 */
export type Delivered = { at: string, detail: string, };

/**
 * How a run ended, for the summary.
 */
export type RunSummary = { batch_id: string, status: RunStatus, 
/**
 * People who reached the end, per result status (`invited`, `skipped`, `granted`, `failed`).
 */
outcomes: Partial<Record<ResultStatus, number>>, 
/**
 * People the run stopped before the end for (cancelled, or stopped by the breaker): not
 * failed, not started or halfway; `resume` takes them up.
 */
not_finished: number, elapsed_secs: number, 
/**
 * The link export this run wrote, if its delivery was "export links".
 */
links_file: string | null, 
/**
 * The folder its messages were written to, if its delivery was the outbox.
 */
outbox_dir: string | null, 
/**
 * The failure several people in a row met, which stopped the run.
 */
stopped_by: AppError | null, 
/**
 * What "delivered" was for this batch (sent, written to outbox, link exported, sent by
 * Auth0): the words its counts are told in.
 */
delivered_as: DeliveredAs, 
/**
 * For a one-person resend: what the delivery was ("accepted by the mail server: 250 …") and
 * when (RFC 3339, UTC).
 */
delivery: Delivered | null, };

export type CheckItem = "credentials" | "scopes" | "connection" | "roles" | "organization" | "delivery" | "signing_key" | "template";

export type CheckStatus = "passed" | "warning" | "failed" | "skipped";

export type Check = { item: CheckItem, status: CheckStatus, 
/**
 * What was seen, or what is wrong and how to fix it.
 */
detail: string, 
/**
 * For a failure: the error code the run would stop with.
 */
code: ErrorCode | null, };

export type Preflight = { checks: Array<Check>, };

export type RunAction = "pause" | "resume" | "cancel" | "interrupt";

/**
 * Which people a resumed batch takes up again besides those it had not finished.
 */
export type RetryChoice = { 
/**
 * Failed people go back to the step that failed (never through the existing-user policy again
 * when this batch created them).
 */
failed: boolean, 
/**
 * People whose mail "may have been sent" get a new link and a new mail.
 */
unconfirmed: boolean, };

/**
 * A new link for one person, for support to paste into a ticket (a bearer secret, shown because
 * the agent asked for it). `Debug` leaves the link out.
 */
export type LinkCopy = { email: string, url: string, expires_at: string, batch_id: string, 
/**
 * Whether the adapter put the link on the system clipboard (the app does; the CLI prints it).
 */
copied: boolean, };

/** The states after which nothing more happens to a person in a batch. */
export const FINAL_STATES: readonly PersonState[] = ["skipped", "delivered", "granted", "unconfirmed", "failed"];

/** The batch statuses `resume` continues. */
export const RESUMABLE_STATUSES: readonly BatchStatus[] = ["failed_to_start", "running", "interrupted", "cancelled"];

/** What a person's state says happened (`delivered`: see DELIVERED_WORDS). */
export const STATE_WORDS: Readonly<Record<PersonState, string>> = {
  pending: "not started",
  skipped: "skipped",
  existing: "account found",
  created: "account created",
  roles_granted: "roles granted",
  ticketed: "link issued",
  delivered: "delivered",
  granted: "granted, no invitation",
  unconfirmed: "unconfirmed",
  failed: "failed",
};

/** What "delivered" was, by the batch's delivery: only `sent` left the machine. */
export const DELIVERED_WORDS: Readonly<Record<DeliveredAs, string>> = {
  sent: "sent",
  written_to_outbox: "written to outbox",
  link_exported: "link exported",
  sent_by_auth0: "sent by Auth0",
};

/** Every error code, in the order Rust declares them. */
export const ERROR_CODES: readonly ErrorCode[] = ["invalid_input", "not_found", "io", "keychain", "auth", "network", "rate_limited", "conflict", "cancelled", "needs_confirmation", "internal"];

/** The URI scheme of the preview frame's pages (served by the desktop shell). */
export const PREVIEW_SCHEME = "invite-preview";
