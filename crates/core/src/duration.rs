//! Durations as admins type them: `7d`, `48h`, `30m`, `90s`, or plain seconds.

use crate::AppError;

/// The longest link lifetime Invite Desk makes: a year. Auth0 states no maximum for a ticket's
/// `ttl_sec` (only `minimum: 0`, and 0 means its 5-day default), so the cap is ours: a seat invitation
/// still open after a year is better re-issued, and the bound keeps every expiry date computable.
pub const MAX_LINK_LIFETIME_SECS: u64 = 365 * 86_400;

pub fn parse_duration_secs(text: &str) -> Result<u64, AppError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        AppError::invalid_input(format!(
            "\"{text}\" is not a duration; use e.g. 7d, 48h, 30m or 3600"
        ))
    })?;
    let factor = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        other => {
            return Err(AppError::invalid_input(format!(
                "unknown unit \"{other}\" in \"{text}\"; use s, m, h, d or w"
            )));
        }
    };
    let secs = n
        .checked_mul(factor)
        .ok_or_else(|| AppError::invalid_input(format!("\"{text}\" is too long")))?;
    if secs == 0 {
        return Err(AppError::invalid_input(
            "a duration of zero makes no sense here",
        ));
    }
    if secs > MAX_LINK_LIFETIME_SECS {
        return Err(AppError::invalid_input(format!(
            "\"{text}\" is longer than a link may last: at most 365 days"
        )));
    }
    Ok(secs)
}

/// `from` plus a link lifetime. Lifetimes are checked against the 365-day cap where they are read
/// (batch files, flags, settings); this is the backstop that can never overflow or panic.
pub fn after(from: time::OffsetDateTime, secs: u64) -> time::OffsetDateTime {
    let secs = secs.min(MAX_LINK_LIFETIME_SECS);
    from.checked_add(time::Duration::seconds(secs as i64))
        .unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration_secs("7d").unwrap(), 604_800);
        assert_eq!(parse_duration_secs("48h").unwrap(), 172_800);
        assert_eq!(parse_duration_secs("30m").unwrap(), 1_800);
        assert_eq!(parse_duration_secs("3600").unwrap(), 3_600);
        assert_eq!(parse_duration_secs("2w").unwrap(), 1_209_600);
        assert!(parse_duration_secs("7 days").is_err());
        assert!(parse_duration_secs("0d").is_err());
        assert!(parse_duration_secs("d").is_err());
        assert!(parse_duration_secs("366d").is_err());
        assert!(parse_duration_secs("99999999999999d").is_err());
        let now = time::OffsetDateTime::now_utc();
        assert_eq!(after(now, u64::MAX), after(now, 365 * 86_400));
    }
}
