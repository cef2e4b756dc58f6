//! JSON documents: top-level values one after another, the elements of a top-level
//! array, and each value as a record or a wrapper of records.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use serde_json::Value;

use super::document::{Document, Mode};
use super::limits::{too_large, MAX_DOCUMENT_BYTES, MAX_RECORD_BYTES};
use super::scan::Scanned;
use super::wrapper::unwrap_document;

impl Document {
    /// Top-level values one after another.
    pub(super) fn next_value(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        if self.skip_whitespace()?.is_none() {
            self.mode = Mode::Done;
            return Ok(None);
        }
        let start = self.line;
        let scanned = self.scan_value(MAX_DOCUMENT_BYTES)?;
        Ok(self.document_value(start, scanned))
    }

    /// Inside `[ ... ]`: elements separated by commas.
    pub(super) fn next_element(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        match self.skip_whitespace_and(b',')? {
            None => {
                self.mode = Mode::Done;
                self.array_index += 1;
                return Ok(Some((
                    format!("{}:#{}", self.name, self.array_index),
                    Err("truncated JSON: the array is not closed".into()),
                )));
            }
            Some(b']') => {
                self.reader.consume(1);
                self.mode = Mode::Values;
                return Ok(None);
            }
            Some(_) => {}
        }
        self.array_index += 1;
        let origin = format!("{}:#{}", self.name, self.array_index);
        let scanned = self.scan_value(MAX_RECORD_BYTES)?;
        if let Scanned::Truncated(_) = scanned {
            // The input ended inside this element: it is the last record, not one more.
            self.mode = Mode::Done;
        }
        Ok(Some((origin, scanned.into_record())))
    }

    /// A top-level value: a record, or a wrapper whose records go to `pending`.
    pub(super) fn document_value(
        &mut self,
        line: usize,
        scanned: Scanned,
    ) -> Option<(String, Result<Value, String>)> {
        let origin = self.origin(line);
        let raw_len = scanned.len();
        let value = match scanned.into_value() {
            Ok(v) => v,
            Err(e) => return Some((origin, Err(e))),
        };
        let mut rows = VecDeque::new();
        match unwrap_document(value, &mut rows, &origin) {
            Ok(Some(record)) if raw_len > MAX_RECORD_BYTES => {
                drop(record);
                Some((origin, Err(too_large())))
            }
            Ok(Some(record)) => Some((origin, Ok(record))),
            Ok(None) => {
                self.pending = rows;
                None
            }
            Err(e) => Some((origin, Err(e))),
        }
    }
}
