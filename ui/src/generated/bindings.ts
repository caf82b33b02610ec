// Generated from the Rust types by crates/engine/src/bindings.rs. Do not edit by hand:
// run `UPDATE_BINDINGS=1 cargo test -p invite-desk-engine bindings` after changing them.

/**
 * The closed set of error codes. Adding one is a contract change: the UI switches on these.
 */
export type ErrorCode = "invalid_input" | "not_found" | "io" | "keychain" | "auth" | "network" | "rate_limited" | "conflict" | "cancelled" | "internal";

/**
 * An error as the user sees it: `{ "code": "...", "message": "..." }`.
 */
export type AppError = { code: ErrorCode, message: string, };

export type AppInfo = { name: string, version: string, data_dir: string, log_dir: string, };

export type SecretKind = "client-secret" | "smtp-password" | "signing-key";

/**
 * How an expiry date is written: the same for every recipient, chosen by the admin.
 */
export type DateFormat = "iso" | "day_month_year" | "month_day_year" | "day_month_numeric" | "month_day_numeric";

/**
 * What every message of a batch shares.
 */
export type MessageSettings = { app_name: string, 
/**
 * Who invites: the customer's organization or the sender's name.
 */
organization: string, 
/**
 * Where to ask for a new invitation: an address or a URL.
 */
support_contact: string, date_format: DateFormat, };

/**
 * The three parts of an invitation, as the admin wrote them (saved with the batch).
 */
export type TemplateSet = { subject: string, html: string, text: string, };

/**
 * What a column holds.
 */
export type ColumnRole = { "role": "email" } | { "role": "given_name" } | { "role": "family_name" } | { "role": "name" } | { "role": "roles" } | { "role": "app_metadata", "key": string } | { "role": "user_metadata", "key": string } | { "role": "ignore" };

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
line: number, email: string, given_name: string | null, family_name: string | null, name: string | null, roles: Array<string>, app_metadata: Record<string, unknown>, user_metadata: Record<string, unknown>, };

export type RosterReport = { summary: Summary, 
/**
 * Valid people only, in input order.
 */
people: Array<Person>, 
/**
 * Errors and warnings, in input order.
 */
problems: Array<Problem>, source: SourceInfo, };
