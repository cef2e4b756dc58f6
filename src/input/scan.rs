//! One JSON value's bytes as scanned off the input (by strings and nesting, up to a size
//! limit), and what they parse to: a value, or where and why not.

use std::io::{self, BufRead};

use serde_json::Value;

use super::document::Document;
use super::limits::{runaway, too_large, MAX_SKIP_BYTES};

impl Document {
    /// Read one JSON value's bytes by tracking strings and nesting; past `cap` bytes the
    /// rest is skipped and the value reported as too large.
    pub(super) fn scan_value(&mut self, cap: usize) -> io::Result<Scanned> {
        let mut out = Vec::new();
        let mut over = false;
        let mut depth: usize = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut first: Option<u8> = None;
        let mut total = 0usize;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(if over {
                    Scanned::TooLarge
                } else {
                    Scanned::Truncated(out)
                });
            }
            let mut used = 0;
            let mut done = false;
            for &b in buf {
                let scalar = first.is_some_and(|f| !matches!(f, b'{' | b'[' | b'"'));
                if scalar && matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                    done = true;
                    break;
                }
                used += 1;
                let opening = first.is_none();
                first.get_or_insert(b);
                if b == b'\n' {
                    self.line += 1;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                if !over {
                    if out.len() >= cap {
                        over = true;
                        out = Vec::new();
                    } else {
                        out.push(b);
                    }
                }
                if !opening && !scalar && depth == 0 && !in_string {
                    done = true;
                    break;
                }
            }
            self.reader.consume(used);
            total += used;
            if done {
                return Ok(if over {
                    Scanned::TooLarge
                } else {
                    Scanned::Complete(out)
                });
            }
            if total > cap + MAX_SKIP_BYTES {
                return Err(runaway());
            }
        }
    }
}

/// The bytes of one value as scanned.
pub(super) enum Scanned {
    Complete(Vec<u8>),
    Truncated(Vec<u8>),
    TooLarge,
}

impl Scanned {
    pub(super) fn len(&self) -> usize {
        match self {
            Scanned::Complete(b) | Scanned::Truncated(b) => b.len(),
            Scanned::TooLarge => usize::MAX,
        }
    }

    pub(super) fn into_value(self) -> Result<Value, String> {
        match self {
            Scanned::Complete(bytes) => parse_json(&bytes),
            Scanned::Truncated(bytes) => Err(match (truncation(&bytes), parse_json(&bytes)) {
                (Some(place), _) => format!("truncated JSON: {place}"),
                (None, Err(e)) => format!("truncated JSON: {e}"),
                (None, Ok(_)) => "truncated JSON".into(),
            }),
            Scanned::TooLarge => Err(too_large()),
        }
    }

    pub(super) fn into_record(self) -> Result<Value, String> {
        self.into_value()
    }
}

/// Where a JSON value that the input cut short was left open: the string or the
/// innermost object or array, at a line and column counted from the value's first byte.
fn truncation(bytes: &[u8]) -> Option<String> {
    let (mut line, mut column) = (1usize, 0usize);
    let mut string: Option<(usize, usize)> = None;
    let mut open: Vec<(u8, usize, usize)> = Vec::new();
    let mut escaped = false;
    let mut chars = match std::str::from_utf8(bytes) {
        Ok(text) => text.chars(),
        Err(_) => return None,
    };
    for c in chars.by_ref() {
        if c == '\n' {
            line += 1;
            column = 0;
            if string.is_some() {
                escaped = false;
            }
            continue;
        }
        column += 1;
        if string.is_some() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                string = None;
            }
            continue;
        }
        match c {
            '"' => string = Some((line, column)),
            '{' => open.push((b'{', line, column)),
            '[' => open.push((b'[', line, column)),
            '}' | ']' => {
                open.pop();
            }
            _ => {}
        }
    }
    if let Some((line, column)) = string {
        return Some(format!(
            "the input ends inside a string that starts at line {line} column {column} of the record"
        ));
    }
    open.last().map(|&(kind, line, column)| {
        let what = if kind == b'{' { "object" } else { "array" };
        format!(
            "the input ends before the {what} that starts at line {line} column {column} of the record is closed"
        )
    })
}

fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    if bytes.trim_ascii_start().starts_with(b"\xEF\xBB\xBF") {
        return Err(
            "a byte order mark (U+FEFF) inside the input: were files joined together?".into(),
        );
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(format!("invalid UTF-8 at byte {}", e.valid_up_to()));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON: {e}"))
}
