//! Address lines pasted from Outlook or Gmail: `Name <a@b>; "Last, First" <c@d>, e@f`. Each line may
//! hold many people; separators are `,` or `;` outside quotes and angle brackets.

/// One address found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressEntry {
    pub line: u64,
    pub display_name: Option<String>,
    /// The address as written (not yet normalized or validated).
    pub address: String,
}

/// Splits a line at separators that are not inside quotes, angle brackets or comments. A line whose
/// quotes do not balance is split again as if it had none, so one stray `"` cannot swallow the rest.
fn split_tokens(line: &str) -> Vec<&str> {
    split_tokens_with(line, true)
        .unwrap_or_else(|| split_tokens_with(line, false).unwrap_or_default())
}

fn split_tokens_with(line: &str, honour_quotes: bool) -> Option<Vec<&str>> {
    let mut tokens = Vec::new();
    let (mut in_quotes, mut angle, mut paren, mut escaped) = (false, 0u32, 0u32, false);
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' if honour_quotes => in_quotes = !in_quotes,
            '<' if !in_quotes => angle += 1,
            '>' if !in_quotes => angle = angle.saturating_sub(1),
            '(' if !in_quotes => paren += 1,
            ')' if !in_quotes => paren = paren.saturating_sub(1),
            ',' | ';' if !in_quotes && angle == 0 && paren == 0 => {
                tokens.push(&line[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if in_quotes {
        return None;
    }
    tokens.push(&line[start..]);
    Some(
        tokens
            .into_iter()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect(),
    )
}

/// Whether the text reads as address lines rather than a table: at least one `Name <address>` or a
/// line with several addresses, and at least two thirds of the tokens hold an `@` (a table with an
/// email column has one address among several cells).
pub fn looks_like_address_lines(text: &str) -> bool {
    let (mut tokens, mut with_at, mut telling) = (0usize, 0usize, false);
    for line in text.lines().take(2000) {
        let line_tokens = split_tokens(line);
        let at_count = line_tokens.iter().filter(|t| t.contains('@')).count();
        if line_tokens
            .iter()
            .any(|t| t.contains('<') && t.contains('>') && t.contains('@'))
            || at_count > 1
        {
            telling = true;
        }
        tokens += line_tokens.len();
        with_at += at_count;
    }
    telling && tokens > 0 && with_at * 3 >= tokens * 2
}

/// Every address on every line. Tokens that are not parseable addresses are kept as written, so
/// validation reports them on their line instead of them vanishing.
pub fn parse_address_lines(text: &str) -> Vec<AddressEntry> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index as u64 + 1;
        for token in split_tokens(line) {
            entries.push(parse_token(token, line_number));
        }
    }
    entries
}

/// Outlook writes some names as `'Ravi Kumar'`; the quotes are not part of the name.
fn display_name_text(name: &str) -> &str {
    name.trim().trim_matches(['"', '\'']).trim()
}

fn parse_token(token: &str, line: u64) -> AddressEntry {
    // mailparse knows RFC 5322 display names: quoting, escapes, comments and encoded words.
    if let Ok(list) = mailparse::addrparse(token)
        && let [mailparse::MailAddr::Single(single)] = list.as_slice()
    {
        return AddressEntry {
            line,
            display_name: single
                .display_name
                .as_deref()
                .map(display_name_text)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            address: single.addr.clone(),
        };
    }
    // Not RFC-clean (unbalanced quotes, stray text): take what is between < > if there is such.
    let (display_name, address) = match (token.find('<'), token.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            let name = display_name_text(&token[..open]);
            (
                (!name.is_empty()).then(|| name.to_owned()),
                token[open + 1..close].trim().to_owned(),
            )
        }
        _ => (None, token.to_owned()),
    };
    AddressEntry {
        line,
        display_name,
        address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlook_line_with_quoted_comma_names() {
        let text = "Jane Doe <Jane.Doe@Example.com>; \"Smith, John\" <john@x.org>, e@f.io";
        assert!(looks_like_address_lines(text));
        let entries = parse_address_lines(text);
        let got: Vec<(Option<&str>, &str)> = entries
            .iter()
            .map(|e| (e.display_name.as_deref(), e.address.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("Jane Doe"), "Jane.Doe@Example.com"),
                (Some("Smith, John"), "john@x.org"),
                (None, "e@f.io"),
            ]
        );
        assert!(entries.iter().all(|e| e.line == 1));
    }

    #[test]
    fn a_table_is_not_address_lines() {
        assert!(!looks_like_address_lines("email,first,last\na@b.c,A,B\n"));
        assert!(!looks_like_address_lines("Jane Doe,jane@x.com,Admin\n"));
        // A bare list (one per line) is read fine as a one-column table.
        assert!(!looks_like_address_lines("a@b.c\nd@e.f\n"));
    }

    #[test]
    fn broken_tokens_are_kept_for_validation() {
        let entries =
            parse_address_lines("\"Unbalanced <u@x.com>; not an address; ok@x.com, a@b.c");
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[1].address, "not an address");
    }
}
