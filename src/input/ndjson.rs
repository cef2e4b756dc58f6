//! NDJSON documents: one JSON value a line, each line read up to a size limit.

use std::io::{self, BufRead};

use serde_json::Value;

use super::document::{Document, Mode};
use super::limits::{runaway, too_large, MAX_RECORD_BYTES, MAX_SKIP_BYTES};
use super::scan::Scanned;

impl Document {
    /// NDJSON: one value per line, blank lines skipped.
    pub(super) fn next_line(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        loop {
            let start = self.line;
            let mut line = Vec::new();
            let mut too_long = false;
            let read =
                read_line_capped(&mut self.reader, &mut line, MAX_RECORD_BYTES, &mut too_long)?;
            if read == 0 {
                self.mode = Mode::Done;
                return Ok(None);
            }
            self.line += 1;
            if too_long {
                return Ok(Some((self.origin(start), Err(too_large()))));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(self.document_value(start, Scanned::Complete(line)));
        }
    }
}

/// Read up to and including `\n`; past `cap` bytes, keep reading but not storing.
fn read_line_capped(
    reader: &mut impl BufRead,
    out: &mut Vec<u8>,
    cap: usize,
    too_long: &mut bool,
) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(total);
        }
        let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        if !*too_long {
            if out.len() + chunk.len() > cap + 2 {
                *too_long = true;
                out.clear();
            } else {
                out.extend_from_slice(chunk);
            }
        }
        let n = chunk.len();
        reader.consume(n);
        total += n;
        if found {
            return Ok(total);
        }
        if total > cap + MAX_SKIP_BYTES {
            return Err(runaway());
        }
    }
}
