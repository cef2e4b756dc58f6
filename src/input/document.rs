//! One input document being read: its source, the mode it is read in, where it is, and
//! the white space between its records.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;

use serde_json::Value;

use super::csv_fields::{CsvParser, CsvState};
use super::format::Format;
use super::fused::Fused;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Not yet known: look at the first bytes.
    Start,
    /// Top-level JSON values one after another (pretty or compact).
    Values,
    /// One JSON value per line.
    Lines,
    /// Inside a top-level `[ ... ]`.
    Array,
    Csv,
    Done,
}

type Step = Result<(String, Result<Value, String>), String>;

/// One input document being read.
pub(super) struct Document {
    pub(super) name: String,
    pub(super) reader: BufReader<Box<dyn Read>>,
    pub(super) mode: Mode,
    pub(super) forced: Format,
    /// Line number (1-based) of the next unread byte.
    pub(super) line: usize,
    pub(super) array_index: usize,
    /// Records unpacked from a wrapper (`{"rows": [...]}`), waiting to be handed out.
    pub(super) pending: VecDeque<(String, Result<Value, String>)>,
    pub(super) csv: Option<CsvState>,
    /// Made for the first CSV row (building it costs more than parsing a small JSON
    /// document).
    pub(super) parser: Option<CsvParser>,
}

impl Document {
    pub(super) fn open(path: &PathBuf, format: Format) -> Result<Document, String> {
        let (name, source): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                // Someone is to type (or paste) incidents: say so, rather than sit silent.
                eprintln!("mcnotify: reading incidents from the terminal; end with Ctrl-D");
            }
            ("-".into(), Box::new(Fused::new(stdin)))
        } else {
            let file =
                File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(format!("{} is a directory", path.display()));
            }
            (path.display().to_string(), Box::new(file))
        };
        let is_csv_name = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let forced = match format {
            Format::Auto if is_csv_name => Format::Csv,
            f => f,
        };
        Ok(Document::new(name, source, forced))
    }

    pub(super) fn new(name: String, source: Box<dyn Read>, forced: Format) -> Document {
        Document {
            name,
            reader: BufReader::with_capacity(64 * 1024, source),
            mode: Mode::Start,
            forced,
            line: 1,
            array_index: 0,
            pending: VecDeque::new(),
            csv: None,
            parser: None,
        }
    }

    pub(super) fn next(&mut self) -> Option<Step> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(item));
            }
            let step = match self.mode {
                Mode::Done => return None,
                Mode::Start => self.start(),
                Mode::Values => self.next_value(),
                Mode::Lines => self.next_line(),
                Mode::Array => self.next_element(),
                Mode::Csv => self.next_csv(),
            };
            match step {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) if self.pending.is_empty() && self.mode == Mode::Done => return None,
                Ok(None) => continue,
                Err(e) => {
                    self.mode = Mode::Done;
                    return Some(Err(format!("cannot read {}: {e}", self.name)));
                }
            }
        }
    }

    pub(super) fn origin(&self, line: usize) -> String {
        format!("{}:{line}", self.name)
    }

    /// Consume white space; the next byte, not consumed.
    pub(super) fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        self.skip_whitespace_and(b' ')
    }

    pub(super) fn skip_whitespace_and(&mut self, also: u8) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            for &b in buf {
                if b == b'\n' {
                    self.line += 1;
                } else if !(b.is_ascii_whitespace() || b == also) {
                    self.reader.consume(used);
                    return Ok(Some(b));
                }
                used += 1;
            }
            self.reader.consume(used);
        }
    }

    /// True (and the newline consumed) when only white space is left on this line.
    pub(super) fn rest_of_line_is_blank(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.reader.fill_buf()?;
            let Some(&b) = buf.first() else {
                return Ok(true);
            };
            match b {
                b'\n' => {
                    self.reader.consume(1);
                    self.line += 1;
                    return Ok(true);
                }
                b' ' | b'\t' | b'\r' => self.reader.consume(1),
                _ => return Ok(false),
            }
        }
    }
}
