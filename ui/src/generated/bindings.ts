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
