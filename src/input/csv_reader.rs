//! CSV documents: the header row, then one record at a time split off the input up to
//! its end outside quotes.

use std::io::{self, BufRead};

use serde_json::{Map, Value};

use super::csv_fields::{CsvParser, CsvState};
use super::document::{Document, Mode};
use super::limits::{runaway, too_large, MAX_RECORD_BYTES, MAX_SKIP_BYTES};

/// One CSV record's raw bytes as split off the input, before parsing.
enum CsvChunk {
    Complete(Vec<u8>),
    TooLarge,
    End,
}

/// Where the CSV splitter is in a record, as the csv crate's own reader sees it
/// (`"` opens a quoted field only at the start of a field; `""` inside is a quote).
#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvAt {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl Document {
    pub(super) fn begin_csv(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        while self.skip_bom()? {}
        let header = loop {
            match self.csv_chunk()? {
                CsvChunk::End => {
                    self.mode = Mode::Done;
                    return Ok(None);
                }
                CsvChunk::TooLarge => {
                    self.mode = Mode::Done;
                    return Ok(Some((
                        self.origin(1),
                        Err(format!("CSV header row: {}", too_large())),
                    )));
                }
                CsvChunk::Complete(bytes) => {
                    match self.parser.get_or_insert_with(CsvParser::new).row(&bytes) {
                        Ok(None) => continue,
                        Ok(Some(row)) => break row,
                        Err(e) => {
                            self.mode = Mode::Done;
                            return Ok(Some((self.origin(1), Err(format!("CSV header row: {e}")))));
                        }
                    }
                }
            }
        };
        let headers: Vec<String> = header.iter().map(|s| s.trim().to_string()).collect();
        if headers.iter().any(|h| h.contains('\n')) {
            // Nothing after an open quote in the header would be read.
            self.mode = Mode::Done;
            return Ok(Some((
                self.origin(1),
                Err(
                    "CSV header row: a quoted name runs across lines: is a quote left open?".into(),
                ),
            )));
        }
        if let [only] = headers.as_slice() {
            for (sep, name) in [(';', "semicolons"), ('\t', "tabs")] {
                if only.contains(sep) {
                    self.mode = Mode::Done;
                    return Ok(Some((
                        self.origin(1),
                        Err(format!(
                            "CSV header row: one column whose name holds {name}: the file looks separated by {name}, \
                             but mcnotify reads comma-separated CSV; export it with commas (or as JSON)"
                        )),
                    )));
                }
            }
        }
        self.csv = Some(CsvState { headers });
        self.mode = Mode::Csv;
        Ok(None)
    }

    pub(super) fn next_csv(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        loop {
            let line = self.line;
            let bytes = match self.csv_chunk()? {
                CsvChunk::End => {
                    self.mode = Mode::Done;
                    return Ok(None);
                }
                CsvChunk::TooLarge => return Ok(Some((self.origin(line), Err(too_large())))),
                CsvChunk::Complete(bytes) => bytes,
            };
            let origin = self.origin(line);
            let row = match self.parser.get_or_insert_with(CsvParser::new).row(&bytes) {
                Ok(None) => continue,
                Ok(Some(row)) => row,
                Err(e) => return Ok(Some((origin, Err(e)))),
            };
            let state = self.csv.as_ref().expect("csv mode has headers");
            if row.len() != state.headers.len() {
                let mut error = format!(
                    "the row has {} fields; the header has {}",
                    row.len(),
                    state.headers.len()
                );
                if row.iter().any(|field| field.contains('\n')) {
                    error.push_str(" (a quoted field runs across lines: is a quote left open?)");
                }
                return Ok(Some((origin, Err(error))));
            }
            let mut map = Map::new();
            for (header, value) in state.headers.iter().zip(row.iter()) {
                map.insert(header.clone(), Value::String(value.to_string()));
            }
            return Ok(Some((origin, Ok(Value::Object(map)))));
        }
    }

    /// Split off one CSV record: a `\n`, then its bytes up to and including its terminator (`\n`,
    /// `\r` or `\r\n` outside quotes), at most `MAX_RECORD_BYTES` of them kept; a
    /// longer record is skipped to its end.
    fn csv_chunk(&mut self) -> io::Result<CsvChunk> {
        // A blank line first: the csv crate drops a BOM at the start of what it reads, and
        // here that would be a value (a field starting with U+FEFF), not a file's BOM.
        let mut out = vec![b'\n'];
        let mut over = false;
        let mut total = 0usize;
        let mut at = CsvAt::FieldStart;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(match (total, over) {
                    (0, _) => CsvChunk::End,
                    (_, true) => CsvChunk::TooLarge,
                    (_, false) => CsvChunk::Complete(out),
                });
            }
            let mut used = 0;
            let mut end = None;
            for &b in buf {
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                at = match (at, b) {
                    (CsvAt::Quoted, b'"') => CsvAt::QuoteInQuoted,
                    (CsvAt::Quoted, _) => CsvAt::Quoted,
                    (CsvAt::QuoteInQuoted, b'"') => CsvAt::Quoted,
                    (CsvAt::FieldStart, b'"') => CsvAt::Quoted,
                    (_, b',') => CsvAt::FieldStart,
                    (_, b'\n' | b'\r') => {
                        end = Some(b);
                        at
                    }
                    _ => CsvAt::Unquoted,
                };
                if end.is_some() {
                    break;
                }
            }
            let taken = &buf[..used];
            total += used;
            if !over && out.len() + used > MAX_RECORD_BYTES + 3 {
                over = true;
                out = Vec::new();
            }
            if !over {
                out.extend_from_slice(taken);
            }
            self.reader.consume(used);
            if let Some(last) = end {
                if last == b'\r' && self.reader.fill_buf()?.first() == Some(&b'\n') {
                    self.reader.consume(1);
                    self.line += 1;
                    if !over {
                        out.push(b'\n');
                    }
                }
                return Ok(if over {
                    CsvChunk::TooLarge
                } else {
                    CsvChunk::Complete(out)
                });
            }
            if total > MAX_RECORD_BYTES + MAX_SKIP_BYTES {
                return Err(runaway());
            }
        }
    }
}
