//! The part of Auth0's user search syntax (Lucene, `search_engine=v3`) an invite tool uses:
//! `field:value`, `field:"quoted value"`, grouped alternatives `email:("a@x.com" OR "b@x.com")`,
//! `AND`, `OR`, `NOT`, parentheses, numeric ranges `logins_count:[1 TO *]`, a trailing `*` wildcard,
//! and `*` for everyone. Fields: `email`, `email.domain`, `name`, `username`, `user_id`,
//! `email_verified`, `logins_count`, `identities.connection`, `app_metadata.*`, `user_metadata.*`.
//! Like Auth0, matching is case-insensitive; terms without an operator between them are OR'ed
//! (Lucene's default). Anything else is a 400, as Auth0 refuses a query it cannot parse.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    All,
    Term {
        field: String,
        value: Pattern,
    },
    Range {
        field: String,
        low: Option<Bound>,
        high: Option<Bound>,
    },
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Not(Box<Query>),
}

/// One end of a range: a number (`logins_count:[1 TO *]`) or a date (`date:[2026-12-01 TO *]`,
/// compared as text, which orders ISO dates).
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Number(f64),
    Text(String),
}

impl Bound {
    fn at_most(&self, value: &str) -> bool {
        match (self, value.parse::<f64>()) {
            (Bound::Number(n), Ok(v)) => *n <= v,
            (Bound::Number(_), Err(_)) => false,
            (Bound::Text(t), _) => t.as_str() <= value,
        }
    }

    fn at_least(&self, value: &str) -> bool {
        match (self, value.parse::<f64>()) {
            (Bound::Number(n), Ok(v)) => *n >= v,
            (Bound::Number(_), Err(_)) => false,
            // A day as the upper bound takes the whole day.
            (Bound::Text(t), _) => value <= t.as_str() || value.starts_with(t.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Exact(String),
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Colon,
    Open,
    Close,
    OpenRange,
    CloseRange,
}

fn tokens(q: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            ':' => {
                chars.next();
                out.push(Token::Colon);
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '[' => {
                chars.next();
                out.push(Token::OpenRange);
            }
            ']' => {
                chars.next();
                out.push(Token::CloseRange);
            }
            '"' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => match chars.next() {
                            Some(escaped) => text.push(escaped),
                            None => return Err("a quoted value ends in a backslash".into()),
                        },
                        Some('"') => break,
                        Some(c) => text.push(c),
                        None => return Err("a quoted value is not closed".into()),
                    }
                }
                out.push(Token::Quoted(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, ':' | '(' | ')' | '"' | '[' | ']') {
                        break;
                    }
                    if c == '\\' {
                        chars.next();
                        if let Some(escaped) = chars.next() {
                            word.push(escaped);
                        }
                        continue;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// Nesting so far: parentheses and NOTs (a hostile query must not exhaust the stack).
    depth: usize,
}

/// Parentheses and NOTs one query may nest.
const MAX_DEPTH: usize = 32;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn or(&mut self) -> Result<Query, String> {
        let mut left = self.and()?;
        loop {
            if self.is_word("OR") {
                self.next();
            } else if matches!(self.peek(), None | Some(Token::Close)) {
                return Ok(left);
            }
            // Juxtaposed terms are OR'ed, as in Lucene.
            let right = self.and()?;
            left = Query::Or(Box::new(left), Box::new(right));
        }
    }

    fn and(&mut self) -> Result<Query, String> {
        let mut left = self.unary()?;
        while self.is_word("AND") {
            self.next();
            let right = self.unary()?;
            left = Query::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Query, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the query nests deeper than {MAX_DEPTH} levels"));
        }
        let parsed = self.unary_inner();
        self.depth -= 1;
        parsed
    }

    fn unary_inner(&mut self) -> Result<Query, String> {
        match self.next() {
            Some(Token::Word(w)) if w == "NOT" => Ok(Query::Not(Box::new(self.unary()?))),
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a parenthesis is not closed".into()),
                }
            }
            Some(Token::Word(w)) if w == "*" => Ok(Query::All),
            Some(Token::Word(field)) => {
                if self.next() != Some(Token::Colon) {
                    return Err(format!("expected `field:value`, found `{field}`"));
                }
                self.value(&field)
            }
            Some(other) => Err(format!("unexpected {other:?}")),
            None => Err("the query ends too early".into()),
        }
    }

    fn value(&mut self, field: &str) -> Result<Query, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the query nests deeper than {MAX_DEPTH} levels"));
        }
        let parsed = self.value_inner(field);
        self.depth -= 1;
        parsed
    }

    fn value_inner(&mut self, field: &str) -> Result<Query, String> {
        let term = |value: Pattern| Query::Term {
            field: field.to_owned(),
            value,
        };
        match self.next() {
            Some(Token::Quoted(text)) => Ok(term(Pattern::Exact(text))),
            Some(Token::Word(w)) if w.len() > 1 && w.ends_with('*') => {
                Ok(term(Pattern::Prefix(w.trim_end_matches('*').to_owned())))
            }
            Some(Token::Word(w)) => Ok(term(Pattern::Exact(w))),
            Some(Token::Open) => {
                // field:(a OR b AND c …)
                let mut alternatives = self.value(field)?;
                loop {
                    match self.next() {
                        Some(Token::Close) => return Ok(alternatives),
                        Some(Token::Word(w)) if w == "OR" => {
                            let next = self.value(field)?;
                            alternatives = Query::Or(Box::new(alternatives), Box::new(next));
                        }
                        Some(Token::Word(w)) if w == "AND" => {
                            let next = self.value(field)?;
                            alternatives = Query::And(Box::new(alternatives), Box::new(next));
                        }
                        _ => return Err("a group of values is not closed".into()),
                    }
                }
            }
            Some(Token::OpenRange) => {
                let bound = |t: Option<Token>| -> Result<Option<Bound>, String> {
                    match t {
                        Some(Token::Word(w)) if w == "*" => Ok(None),
                        Some(Token::Word(w)) => match w.parse() {
                            Ok(n) => Ok(Some(Bound::Number(n))),
                            // Dates: `2026-12-01` (digits and dashes, as Auth0's log search takes).
                            Err(_) if is_date(&w) => Ok(Some(Bound::Text(w))),
                            Err(_) => Err(format!("`{w}` is not a number or a date")),
                        },
                        Some(Token::Quoted(q)) if is_date(&q) => Ok(Some(Bound::Text(q))),
                        _ => Err("a range needs two bounds".into()),
                    }
                };
                let low = bound(self.next())?;
                if !matches!(self.next(), Some(Token::Word(w)) if w == "TO") {
                    return Err("a range is written [low TO high]".into());
                }
                let high = bound(self.next())?;
                if self.next() != Some(Token::CloseRange) {
                    return Err("a range is not closed".into());
                }
                Ok(Query::Range {
                    field: field.to_owned(),
                    low,
                    high,
                })
            }
            _ => Err(format!("`{field}:` has no value")),
        }
    }
}

/// `2026-12-01`, or a whole instant in quotes (`"2026-12-01T10:00:00.000Z"`).
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

pub fn parse(q: &str) -> Result<Query, String> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Query::All);
    }
    let mut parser = Parser {
        tokens: tokens(q)?,
        at: 0,
        depth: 0,
    };
    let query = parser.or()?;
    if parser.at < parser.tokens.len() {
        return Err("unexpected `)`".into());
    }
    Ok(query)
}

/// The values a field has on a user, as text (lowercase).
fn values(user: &Map<String, Value>, field: &str) -> Vec<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.to_lowercase()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match field {
        "email.domain" => user
            .get("email")
            .and_then(Value::as_str)
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, d)| vec![d.to_lowercase()])
            .unwrap_or_default(),
        "identities.connection" => user
            .get("identities")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(|i| i.get("connection").and_then(text))
                    .collect()
            })
            .unwrap_or_default(),
        // Auth0 counts sign-ins from 0.
        "logins_count" => vec![
            user.get("logins_count")
                .and_then(text)
                .unwrap_or_else(|| "0".into()),
        ],
        _ => {
            let mut parts = field.split('.');
            let mut at = parts.next().and_then(|first| user.get(first));
            for part in parts {
                at = at.and_then(|v| v.get(part));
            }
            match at {
                Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
                Some(v) => text(v).into_iter().collect(),
                None => Vec::new(),
            }
        }
    }
}

pub fn matches(query: &Query, user: &Map<String, Value>) -> bool {
    match query {
        Query::All => true,
        Query::Term { field, value } => {
            let found = values(user, field);
            match value {
                Pattern::Exact(v) => {
                    let v = v.to_lowercase();
                    found.contains(&v)
                }
                Pattern::Prefix(p) => {
                    let p = p.to_lowercase();
                    found.iter().any(|f| f.starts_with(&p))
                }
            }
        }
        Query::Range { field, low, high } => values(user, field).iter().any(|v| {
            low.as_ref().is_none_or(|l| l.at_most(v)) && high.as_ref().is_none_or(|h| h.at_least(v))
        }),
        Query::And(a, b) => matches(a, user) && matches(b, user),
        Query::Or(a, b) => matches(a, user) || matches(b, user),
        Query::Not(a) => !matches(a, user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn or_lists_of_emails_and_the_other_forms_an_invite_tool_uses() {
        let ann = user(json!({
            "created_at": "2026-12-01T10:00:00.000Z",
            "email": "ann@x.com",
            "logins_count": 0,
            "email_verified": false,
            "identities": [{"connection": "Username-Password-Authentication"}],
            "app_metadata": {"invite_desk": {"batch": "b-1", "status": "invited"}}
        }));
        let bob = user(
            json!({"email": "bob@y.org", "logins_count": 3, "created_at": "2026-11-30T23:00:00.000Z"}),
        );
        let cases = [
            (r#"email:("ann@x.com" OR "bob@y.org")"#, true, true),
            (r#"email:("ANN@x.com" OR "nobody@z.com")"#, true, false),
            (r#"email:"bob@y.org""#, false, true),
            ("email:bob@y.org", false, true),
            ("logins_count:0", true, false),
            ("logins_count:[1 TO *]", false, true),
            ("created_at:[2026-12-01 TO *]", true, false),
            ("created_at:[* TO 2026-11-30]", false, true),
            (
                r#"created_at:["2026-12-01T10:00:00.000Z" TO *]"#,
                true,
                false,
            ),
            (
                r#"app_metadata.invite_desk.batch:"b-1" AND logins_count:0"#,
                true,
                false,
            ),
            ("NOT logins_count:0", false, true),
            ("email.domain:x.com OR email.domain:y.org", true, true),
            ("email:ann*", true, false),
            (
                r#"identities.connection:"Username-Password-Authentication""#,
                true,
                false,
            ),
            ("email_verified:false", true, false),
            ("*", true, true),
            ("", true, true),
            (
                r#"(email:"ann@x.com" OR email:"bob@y.org") AND NOT logins_count:[1 TO *]"#,
                true,
                false,
            ),
        ];
        for (q, a, b) in cases {
            let parsed = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(
                (matches(&parsed, &ann), matches(&parsed, &bob)),
                (a, b),
                "{q}"
            );
        }
    }

    #[test]
    fn what_it_cannot_parse_is_an_error() {
        for q in [
            "email:",
            r#"email:"open"#,
            "email:(a OR b",
            "(email:a",
            "logins_count:[1 TO]",
            "logins_count:[x TO 2]",
            "justaword",
            "email:a)",
        ] {
            assert!(parse(q).is_err(), "{q} parsed");
        }
        // Deep nesting is refused, not a stack overflow.
        for q in [
            "(".repeat(8000),
            "NOT ".repeat(8000),
            format!("email:{}", "(".repeat(8000)),
        ] {
            assert!(
                parse(&q).unwrap_err().contains("nests deeper"),
                "{}",
                &q[..20]
            );
        }
    }
}
