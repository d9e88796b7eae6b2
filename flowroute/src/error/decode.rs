//! Decode errors: a success answer of the wrong shape, shown with its digits
//! and text masked unless the client reveals bodies.

use super::Error;
use std::fmt;

/// A success answer whose body did not have the documented shape.
///
/// Errors end up in logs, and a body can be a message record (its text, its
/// phone numbers). So by default the message and excerpt have every digit
/// replaced by `#` and the text of every JSON string value by `*` (keys and
/// structure stay readable); [`ClientBuilder::reveal_bodies_in_errors`]
/// shows them as received, for debugging.
///
/// [`ClientBuilder::reveal_bodies_in_errors`]: crate::ClientBuilder::reveal_bodies_in_errors
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation (`operationId`) that was called.
    pub operation: &'static str,
    /// Where in the JSON document decoding failed, such as `data[3].attributes.value`.
    pub path: String,
    /// What serde reported (masked unless revealed).
    pub message: String,
    /// The body's length in bytes.
    pub body_len: usize,
    /// The start of the body (masked unless revealed).
    pub excerpt: String,
    /// Whether `message` and `excerpt` are shown as received.
    pub revealed: bool,
}

impl DecodeError {
    /// `message` is the caller's to mask: serde quotes the value it could
    /// not read, the SDK's own messages do not.
    pub(crate) fn error(
        operation: &'static str,
        path: String,
        message: String,
        body: &[u8],
        reveal: bool,
    ) -> Error {
        let excerpt = if reveal {
            excerpt(body)
        } else {
            excerpt(mask_json(body).as_bytes())
        };
        Error::Decode(Box::new(DecodeError {
            operation,
            path,
            message,
            body_len: body.len(),
            excerpt,
            revealed: reveal,
        }))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode Flowroute's answer to {} at `{}`: {}; the body ({} bytes) starts with {:?}",
            self.operation, self.path, self.message, self.body_len, self.excerpt
        )?;
        if !self.revealed {
            f.write_str(" (digits and text masked)")?;
        }
        Ok(())
    }
}

const EXCERPT_CHARS: usize = 200;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        s.push('…');
    }
    s
}

/// A JSON body with digits as `#` and string values as `*`, keys kept: the
/// shape of a document without its content. Reads only as far as an excerpt
/// shows, and copes with text that is not JSON.
fn mask_json(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4 + 4)]);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '"' {
            out.push(if c.is_ascii_digit() { '#' } else { c });
            i += 1;
            continue;
        }
        // A string: find its end, then whether a `:` makes it a key.
        let mut end = i + 1;
        while end < chars.len() && chars[end] != '"' {
            end += if chars[end] == '\\' { 2 } else { 1 };
        }
        let end = end.min(chars.len());
        let is_key = chars[end..]
            .iter()
            .skip(1)
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| *c == ':');
        out.push('"');
        for &c in &chars[i + 1..end] {
            out.push(if is_key { c } else { mask_char(c) });
        }
        if end < chars.len() {
            out.push('"');
        }
        i = end + 1;
    }
    out
}

/// A message with digits as `#` and quoted text as `*`: serde quotes the
/// value it could not read (`invalid type: string "…"`).
pub(crate) fn mask_text(message: &str) -> String {
    let mut quoted = false;
    message
        .chars()
        .map(|c| match c {
            '"' => {
                quoted = !quoted;
                c
            }
            _ if quoted => mask_char(c),
            _ if c.is_ascii_digit() => '#',
            _ => c,
        })
        .collect()
}

fn mask_char(c: char) -> char {
    match c {
        '0'..='9' => '#',
        c if c.is_whitespace() => c,
        _ => '*',
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn excerpts_are_short() {
        let long = "x".repeat(1000);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
    }
}
