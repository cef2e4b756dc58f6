//! Format detection: what a document's first bytes show it to be (after a BOM and white
//! space), and what they show it cannot be read as.

use std::io::{self, BufRead, BufReader, Read};

use serde_json::Value;

use super::document::{Document, Mode};
use super::format::Format;
use super::limits::MAX_DOCUMENT_BYTES;

impl Document {
    /// Skip a BOM and white space, then decide the format from the first byte.
    pub(super) fn start(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        if let Some(error) = not_text(&self.head(8)?) {
            self.mode = Mode::Done;
            return Ok(Some((self.origin(1), Err(error.into()))));
        }
        self.skip_bom()?;
        if self.forced == Format::Csv {
            return self.begin_csv();
        }
        let first = self.skip_whitespace()?;
        match (first, self.forced) {
            (None, _) => {
                self.mode = Mode::Done;
                Ok(None)
            }
            (_, Format::Ndjson) => {
                self.mode = Mode::Lines;
                Ok(None)
            }
            (Some(b'['), _) => {
                self.reader.consume(1);
                self.mode = Mode::Array;
                Ok(None)
            }
            (Some(b'{'), _) => {
                let start = self.line;
                let scanned = self.scan_value(MAX_DOCUMENT_BYTES)?;
                let one_line = self.line == start;
                let rest_on_line = self.rest_of_line_is_blank()?;
                // NDJSON by its look, unless JSON was asked for.
                self.mode = if one_line && rest_on_line && self.forced != Format::Json {
                    Mode::Lines
                } else {
                    Mode::Values
                };
                Ok(self.document_value(start, scanned))
            }
            (Some(_), Format::Json) => {
                self.mode = Mode::Values;
                Ok(None)
            }
            (Some(_), _) => self.begin_csv(),
        }
    }

    /// The first `n` bytes (fewer at the end of the input), not consumed, however few
    /// bytes each read of the source gives.
    fn head(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let buf = self.reader.fill_buf()?;
        if buf.len() >= n || buf.is_empty() {
            return Ok(buf[..buf.len().min(n)].to_vec());
        }
        let mut head = Vec::with_capacity(n);
        while head.len() < n {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let k = buf.len().min(n - head.len());
            head.extend_from_slice(&buf[..k]);
            self.reader.consume(k);
        }
        let rest = std::mem::replace(
            &mut self.reader,
            BufReader::new(Box::new(io::empty()) as Box<dyn Read>),
        );
        self.reader = BufReader::with_capacity(
            64 * 1024,
            Box::new(io::Cursor::new(head.clone()).chain(rest)),
        );
        Ok(head)
    }

    /// Consume a UTF-8 BOM, even one that a pipe hands out a byte at a time; true if
    /// there was one.
    pub(super) fn skip_bom(&mut self) -> io::Result<bool> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let buf = self.reader.fill_buf()?;
        if buf.starts_with(BOM) {
            self.reader.consume(BOM.len());
            return Ok(true);
        }
        if buf.is_empty() || !BOM.starts_with(buf) {
            return Ok(false);
        }
        let mut head = Vec::with_capacity(BOM.len());
        while head.len() < BOM.len() && BOM.starts_with(&head) {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(BOM.len() - head.len());
            head.extend_from_slice(&buf[..n]);
            self.reader.consume(n);
        }
        if head != BOM {
            // Not a BOM after all: put the bytes back in front of the rest.
            let rest = std::mem::replace(
                &mut self.reader,
                BufReader::new(Box::new(io::empty()) as Box<dyn Read>),
            );
            self.reader =
                BufReader::with_capacity(64 * 1024, Box::new(io::Cursor::new(head).chain(rest)));
            return Ok(false);
        }
        Ok(true)
    }
}

/// Why a document that starts with `head` is no text mcnotify reads: another encoding,
/// a compressed file or binary data.
fn not_text(head: &[u8]) -> Option<&'static str> {
    let pairs = head.len() / 2;
    let every_other = |text: usize| {
        pairs >= 2
            && head
                .chunks_exact(2)
                .all(|pair| pair[1 - text] == 0 && pair[text] != 0 && pair[text].is_ascii())
    };
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        Some("the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8")
    } else if every_other(0) || every_other(1) {
        Some("the file looks like UTF-16 without a byte order mark (every other byte is NUL); save it as UTF-8")
    } else if head.starts_with(b"\x1F\x8B") {
        Some(
            "the file is gzip-compressed; decompress it first (zcat FILE | mcnotify send --file -)",
        )
    } else if head.starts_with(b"PK\x03\x04") {
        Some("the file is a ZIP archive (a spreadsheet workbook?); export it as CSV or JSON")
    } else if head.first() == Some(&0) {
        Some("the file starts with a NUL byte: it is binary data, not a text document")
    } else {
        None
    }
}
