//! Reads incident documents record by record: JSON objects and arrays, NDJSON, CSV,
//! Tables pages; one record in memory at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::outcome::Origin;

/// A record larger than this (raw bytes as read) is refused.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A single top-level JSON document (a Tables page, say) may be this large.
const MAX_DOCUMENT_BYTES: usize = 64 << 20;
/// Past its limit, a record is skipped up to its end, but no further than this: a record
/// that runs on longer (`/dev/zero`, a binary file) ends the reading of its file.
const MAX_SKIP_BYTES: usize = 64 << 20;

fn runaway() -> io::Error {
    io::Error::other(format!(
        "a record runs on for more than {} MiB without ending (is this a text document?); the rest of the file is not read",
        MAX_SKIP_BYTES >> 20
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Auto,
    Json,
    Ndjson,
    Csv,
}

/// One record: where it came from and its JSON value, or why it could not be read.
#[derive(Debug)]
pub struct Record {
    /// 1-based position across all inputs.
    pub number: usize,
    pub origin: Origin,
    pub value: Result<Value, String>,
}

/// What reading the inputs yields.
#[derive(Debug)]
pub enum Item {
    Record(Record),
    /// A file that cannot be opened or read any further (66).
    Unreadable {
        error: String,
    },
}

/// Records of every `--file`, in order. With no file, one empty record for the flags.
pub struct Inputs {
    files: VecDeque<PathBuf>,
    format: Format,
    current: Option<Document>,
    next_number: usize,
    flags_only: bool,
}

impl Inputs {
    pub fn new(files: Vec<PathBuf>, format: Format) -> Inputs {
        Inputs {
            flags_only: files.is_empty(),
            files: files.into(),
            format,
            current: None,
            next_number: 1,
        }
    }
}

impl Inputs {
    /// The records of one document held in memory (a request's body), named `name`.
    pub fn document(name: String, bytes: Vec<u8>, format: Format) -> Inputs {
        Inputs {
            flags_only: false,
            files: VecDeque::new(),
            format,
            current: Some(Document::new(
                name,
                Box::new(io::Cursor::new(bytes)),
                format,
            )),
            next_number: 1,
        }
    }
}

impl Iterator for Inputs {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.flags_only {
            self.flags_only = false;
            self.next_number += 1;
            return Some(Item::Record(Record {
                number: 1,
                origin: Origin::Flags,
                value: Ok(Value::Object(Map::new())),
            }));
        }
        loop {
            if let Some(doc) = &mut self.current {
                match doc.next() {
                    Some(Ok((origin, value))) => {
                        let number = self.next_number;
                        self.next_number += 1;
                        return Some(Item::Record(Record {
                            number,
                            origin: Origin::Input(origin),
                            value,
                        }));
                    }
                    Some(Err(error)) => {
                        self.current = None;
                        return Some(Item::Unreadable { error });
                    }
                    None => self.current = None,
                }
            }
            let path = self.files.pop_front()?;
            match Document::open(&path, self.format) {
                Ok(doc) => self.current = Some(doc),
                Err(error) => return Some(Item::Unreadable { error }),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
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
struct Document {
    name: String,
    reader: BufReader<Box<dyn Read>>,
    mode: Mode,
    forced: Format,
    /// Line number (1-based) of the next unread byte.
    line: usize,
    array_index: usize,
    /// Records unpacked from a wrapper (`{"rows": [...]}`), waiting to be handed out.
    pending: VecDeque<(String, Result<Value, String>)>,
    csv: Option<CsvState>,
    /// Made for the first CSV row (building it costs more than parsing a small JSON
    /// document).
    parser: Option<CsvParser>,
}

struct CsvState {
    headers: Vec<String>,
}

/// Parses the records `csv_chunk` splits off, one at a time, with buffers kept for the
/// whole file.
struct CsvParser {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvParser {
    fn new() -> CsvParser {
        CsvParser {
            core: csv_core::Reader::new(),
            out: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The fields of the one record in `bytes`; `None` for a blank line.
    fn row(&mut self, bytes: &[u8]) -> Result<Option<Vec<String>>, String> {
        use csv_core::ReadRecordResult;
        self.core.reset();
        // No field is longer than its input, and there are no more fields than bytes.
        self.out.clear();
        self.out.resize(bytes.len() + 1, 0);
        self.ends.clear();
        self.ends.resize(bytes.len() + 2, 0);
        let (mut input, mut at_out, mut at_end) = (bytes, 0, 0);
        let mut eof = false;
        loop {
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[at_out..], &mut self.ends[at_end..]);
            input = &input[nin..];
            at_out += nout;
            at_end += nend;
            match result {
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return Ok(None),
                // All of it given: say so with an empty input, which ends the record.
                ReadRecordResult::InputEmpty if !eof => eof = true,
                _ => return Err("the row cannot be parsed".into()),
            }
        }
        let mut fields = Vec::with_capacity(at_end);
        let mut start = 0;
        for &end in &self.ends[..at_end] {
            let field = std::str::from_utf8(&self.out[start..end])
                .map_err(|_| "invalid UTF-8 in the row".to_string())?;
            fields.push(field.to_string());
            start = end;
        }
        Ok(Some(fields))
    }
}

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
    fn open(path: &PathBuf, format: Format) -> Result<Document, String> {
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

    fn new(name: String, source: Box<dyn Read>, forced: Format) -> Document {
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

    fn next(&mut self) -> Option<Step> {
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

    fn origin(&self, line: usize) -> String {
        format!("{}:{line}", self.name)
    }

    /// Skip a BOM and white space, then decide the format from the first byte.
    fn start(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
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
    fn skip_bom(&mut self) -> io::Result<bool> {
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

    /// Top-level values one after another.
    fn next_value(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
        if self.skip_whitespace()?.is_none() {
            self.mode = Mode::Done;
            return Ok(None);
        }
        let start = self.line;
        let scanned = self.scan_value(MAX_DOCUMENT_BYTES)?;
        Ok(self.document_value(start, scanned))
    }

    /// NDJSON: one value per line, blank lines skipped.
    fn next_line(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
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

    /// Inside `[ ... ]`: elements separated by commas.
    fn next_element(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
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
    fn document_value(
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

    fn begin_csv(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
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

    fn next_csv(&mut self) -> io::Result<Option<(String, Result<Value, String>)>> {
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

    /// Consume white space; the next byte, not consumed.
    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        self.skip_whitespace_and(b' ')
    }

    fn skip_whitespace_and(&mut self, also: u8) -> io::Result<Option<u8>> {
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
    fn rest_of_line_is_blank(&mut self) -> io::Result<bool> {
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

    /// Read one JSON value's bytes by tracking strings and nesting; past `cap` bytes the
    /// rest is skipped and the value reported as too large.
    fn scan_value(&mut self, cap: usize) -> io::Result<Scanned> {
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

/// A reader that stays at its end once it has reached it. A terminal reports its end
/// (Ctrl-D) once and then reads on: without this, every look at the end after the first
/// would wait for another Ctrl-D.
struct Fused<R> {
    inner: R,
    ended: bool,
}

impl<R: Read> Fused<R> {
    fn new(inner: R) -> Fused<R> {
        Fused {
            inner,
            ended: false,
        }
    }
}

impl<R: Read> Read for Fused<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.ended = n == 0;
        Ok(n)
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

/// The bytes of one value as scanned.
enum Scanned {
    Complete(Vec<u8>),
    Truncated(Vec<u8>),
    TooLarge,
}

impl Scanned {
    fn len(&self) -> usize {
        match self {
            Scanned::Complete(b) | Scanned::Truncated(b) => b.len(),
            Scanned::TooLarge => usize::MAX,
        }
    }

    fn into_value(self) -> Result<Value, String> {
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

    fn into_record(self) -> Result<Value, String> {
        self.into_value()
    }
}

fn too_large() -> String {
    format!("the record is larger than {} MiB", MAX_RECORD_BYTES >> 20)
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

/// A top-level value is a record, or a wrapper: a Tables page (`rows`) whose rows are
/// records. Runtime API message pages are refused: they carry no incident fields.
fn unwrap_document(
    value: Value,
    rows: &mut VecDeque<(String, Result<Value, String>)>,
    origin: &str,
) -> Result<Option<Value>, String> {
    let Value::Object(map) = &value else {
        return Err(format!(
            "a record must be a JSON object, not {}",
            json_kind(&value)
        ));
    };
    if map.get("rows").is_some_and(Value::is_array) && !map.contains_key("incident") {
        let Value::Object(mut map) = value else {
            unreachable!()
        };
        let Some(Value::Array(items)) = map.remove("rows") else {
            unreachable!()
        };
        for (i, item) in items.into_iter().enumerate() {
            let record = match item {
                Value::Object(_) => {
                    let size = item.to_string().len();
                    if size > MAX_RECORD_BYTES {
                        Err(too_large())
                    } else {
                        Ok(item)
                    }
                }
                other => Err(format!(
                    "a row must be a JSON object, not {}",
                    json_kind(&other)
                )),
            };
            rows.push_back((format!("{origin}#{}", i + 1), record));
        }
        return Ok(None);
    }
    if map.get("messages").is_some_and(Value::is_array)
        || map.get("conversation").is_some_and(Value::is_object)
    {
        return Err("this is a Botpress Runtime API page (messages or conversation), which holds no incident fields; \
             export the incident envelope or a Tables page instead"
            .into());
    }
    Ok(Some(value))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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

#[cfg(test)]
mod properties {
    //! Properties of the reader over arbitrary and well-formed input. The number of cases
    //! comes from `PROPTEST_CASES` (256 by default).

    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;
    use crate::field::Field;
    use crate::incident::{Incident, Overrides};
    use crate::mapping::FieldMap;

    /// A reader that hands out at most `chunk` bytes per read, as a pipe may.
    struct Chunked {
        data: Cursor<Vec<u8>>,
        chunk: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.chunk);
            self.data.read(&mut buf[..n])
        }
    }

    /// What one read of the inputs gave: a record (number, origin, value) or an error.
    type Seen = Result<(usize, String, Result<Value, String>), String>;

    fn read_all(name: &str, bytes: &[u8], format: Format, chunk: usize) -> Vec<Seen> {
        let forced = match format {
            Format::Auto if name.ends_with(".csv") => Format::Csv,
            f => f,
        };
        let source = Box::new(Chunked {
            data: Cursor::new(bytes.to_vec()),
            chunk,
        });
        let mut inputs = Inputs {
            files: VecDeque::new(),
            format,
            current: Some(Document::new(name.to_string(), source, forced)),
            next_number: 1,
            flags_only: false,
        };
        let mut seen = Vec::new();
        // Every record but the last consumes at least one byte.
        for _ in 0..bytes.len() + 2 {
            match inputs.next() {
                None => return seen,
                Some(Item::Record(r)) => seen.push(Ok((r.number, r.origin.to_string(), r.value))),
                Some(Item::Unreadable { error }) => seen.push(Err(error)),
            }
        }
        assert!(inputs.next().is_none(), "more records than bytes");
        seen
    }

    const FORMATS: [(&str, Format); 5] = [
        ("in.json", Format::Auto),
        ("in.csv", Format::Auto),
        ("in.json", Format::Json),
        ("in.ndjson", Format::Ndjson),
        ("in.txt", Format::Csv),
    ];

    /// Fragments that steer arbitrary input towards the parser's branches.
    const TOKENS: [&[u8]; 32] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b"\\",
        b",",
        b":",
        b"\n",
        b"\r\n",
        b" ",
        b"\t",
        b"\"rows\":",
        b"\"incident\":",
        b"\"messages\":[]",
        b"\"conversation\":{}",
        b"1",
        b"-0.5e3",
        b"null",
        b"true",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3",
        b"\0",
        b"a",
        b"\"type\":\"hw\"",
        b"\"description\":\"d\"",
        b"{\"contactEmail\":\"a@example.com\",\"type\":\"t\",\"description\":\"d\"}",
        b"type,description,contactEmail\n",
        b"hw,\"d\"\"x\",a@example.com\n",
        b"\\u0000",
        b"\\ud800",
    ];

    fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            prop::collection::vec(prop::sample::select(&TOKENS[..]), 0..96)
                .prop_map(|parts| parts.concat()),
        ]
    }

    /// `FILE:LINE`, `FILE:#N` or `FILE:LINE#N` with numbers that fit the input.
    fn check_origin(origin: &str, name: &str, lines: usize) -> Result<(), TestCaseError> {
        let place = origin
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .ok_or_else(|| TestCaseError::fail(format!("{origin:?} does not name {name}")))?;
        let number = |s: &str| s.parse::<usize>().ok().filter(|n| *n >= 1);
        let ok = match place.split_once('#') {
            Some(("", index)) => number(index).is_some(),
            Some((line, index)) => {
                number(line).is_some_and(|l| l <= lines) && number(index).is_some()
            }
            None => number(place).is_some_and(|l| l <= lines),
        };
        prop_assert!(ok, "{origin:?} is not a location in a {lines}-line input");
        Ok(())
    }

    proptest! {
        #[test]
        fn any_bytes_give_located_records_or_errors(
            bytes in hostile_bytes(),
            format in 0..FORMATS.len(),
            chunk in 1usize..9,
        ) {
            let (name, format) = FORMATS[format];
            let whole = read_all(name, &bytes, format, usize::MAX);
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            for (i, seen) in whole.iter().enumerate() {
                match seen {
                    Ok((number, origin, value)) => {
                        prop_assert_eq!(*number, whole[..i].iter().filter(|s| s.is_ok()).count() + 1);
                        check_origin(origin, name, lines)?;
                        match value {
                            // Mapping refuses what is not an object, naming its kind.
                            Ok(v) => {
                                let mapped = FieldMap::default().apply(v);
                                prop_assert!(v.is_object() || mapped.is_err(), "{origin}: {v}");
                            }
                            Err(e) => prop_assert!(!e.is_empty()),
                        }
                    }
                    Err(e) => prop_assert!(e.contains(name), "{e}"),
                }
            }
            // A pipe that delivers a few bytes at a time reads the same.
            prop_assert_eq!(read_all(name, &bytes, format, chunk), whole);
        }
    }

    /// A field's key in a flat record (its JSON name) and in the envelope (`None`: at the
    /// top), the first place the mapping looks.
    fn field_keys(field: Field) -> (&'static str, Option<&'static str>) {
        let first = field.default_paths()[0];
        (field.json_name(), first.strip_prefix("/incident/"))
    }

    /// One record: a value (or none) per field of `Field::ALL`, then per extra column.
    #[derive(Debug, Clone)]
    struct Written {
        fields: Vec<Option<String>>,
        extra: Vec<Option<String>>,
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(
                prop::sample::select(
                    &[
                        "a", " ", "\n", "\r\n", "\"", ",", "'", "\\", "{", "[", "\u{feff}", "\0",
                        "é", "\t"
                    ][..]
                ),
                0..12,
            )
            .prop_map(|parts| parts.concat()),
        ]
    }

    /// Extra column names, and one to four records.
    fn batch() -> impl Strategy<Value = (Vec<String>, Vec<Written>)> {
        prop::collection::btree_set("[a-z0-9]{1,6}", 0..3).prop_flat_map(|keys| {
            let keys: Vec<String> = keys.into_iter().map(|k| format!("x_{k}")).collect();
            let record = (
                prop::collection::vec(prop::option::of(text()), Field::COUNT),
                prop::collection::vec(prop::option::of(text()), keys.len()),
            )
                .prop_map(|(fields, extra)| Written { fields, extra });
            (Just(keys), prop::collection::vec(record, 1..5))
        })
    }

    fn flat(keys: &[String], record: &Written) -> Value {
        let mut map = Map::new();
        for (field, value) in Field::ALL.into_iter().zip(&record.fields) {
            if let Some(v) = value {
                map.insert(field_keys(field).0.to_string(), Value::String(v.clone()));
            }
        }
        for (key, value) in keys.iter().zip(&record.extra) {
            if let Some(v) = value {
                map.insert(key.clone(), Value::String(v.clone()));
            }
        }
        Value::Object(map)
    }

    fn envelope(keys: &[String], record: &Written) -> Value {
        let mut top = Map::new();
        let mut inner = Map::new();
        top.insert("schema".into(), "botpress-incident/v1".into());
        for (field, value) in Field::ALL.into_iter().zip(&record.fields) {
            let (key, in_incident) = field_keys(field);
            if let Some(v) = value {
                match in_incident {
                    Some(name) => inner.insert(name.to_string(), Value::String(v.clone())),
                    None => top.insert(key.to_string(), Value::String(v.clone())),
                };
            }
        }
        top.insert("incident".into(), Value::Object(inner));
        for (key, value) in keys.iter().zip(&record.extra) {
            if let Some(v) = value {
                top.insert(key.clone(), Value::String(v.clone()));
            }
        }
        Value::Object(top)
    }

    fn csv_document(keys: &[String], records: &[Written]) -> (Vec<u8>, Vec<usize>) {
        let row = |values: Vec<String>| {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(values).unwrap();
            writer.into_inner().unwrap()
        };
        let header = Field::ALL
            .into_iter()
            .map(|f| field_keys(f).0.to_string())
            .chain(keys.iter().cloned());
        let mut out = row(header.collect());
        let mut lines = Vec::new();
        for record in records {
            lines.push(out.iter().filter(|&&b| b == b'\n').count() + 1);
            let values = record.fields.iter().chain(&record.extra);
            out.extend(row(values.map(|v| v.clone().unwrap_or_default()).collect()));
        }
        (out, lines)
    }

    /// The incident a record should map to: values trimmed, blank ones absent; extra
    /// fields as written, blank ones left out.
    fn expected(keys: &[String], record: &Written) -> Incident {
        let value = |i: usize| {
            record.fields[i]
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let mut incident = Incident::default();
        incident.extra = keys
            .iter()
            .zip(&record.extra)
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        for field in Field::ALL {
            incident.set(field, value(field.index()));
        }
        incident
    }

    /// The lines where each of several documents joined by newlines starts.
    fn starts(docs: &[String]) -> Vec<usize> {
        let mut line = 1;
        docs.iter()
            .map(|d| {
                let start = line;
                line += d.matches('\n').count() + 1;
                start
            })
            .collect()
    }

    proptest! {
        #[test]
        fn valid_incidents_read_back_the_same_in_every_format(
            (keys, records) in batch(),
            shape in 0..7usize,
            auto in any::<bool>(),
        ) {
            let flats: Vec<String> = records.iter().map(|r| flat(&keys, r).to_string()).collect();
            let pretty: Vec<String> = records
                .iter()
                .map(|r| serde_json::to_string_pretty(&flat(&keys, r)).unwrap())
                .collect();
            let pick = |forced: Format| if auto { Format::Auto } else { forced };
            let n = records.len();
            let (name, bytes, format, origins): (&str, Vec<u8>, Format, Vec<String>) = match shape {
                0 => ("in.ndjson", flats.join("\n").into_bytes(), pick(Format::Ndjson),
                      (1..=n).map(|i| format!("in.ndjson:{i}")).collect()),
                1 => {
                    let envelopes: Vec<String> =
                        records.iter().map(|r| envelope(&keys, r).to_string()).collect();
                    ("in.ndjson", (envelopes.join("\r\n") + "\r\n").into_bytes(), pick(Format::Ndjson),
                     (1..=n).map(|i| format!("in.ndjson:{i}")).collect())
                }
                2 => {
                    let array: Vec<Value> = records.iter().map(|r| flat(&keys, r)).collect();
                    ("in.json", serde_json::to_vec_pretty(&array).unwrap(), pick(Format::Json),
                     (1..=n).map(|i| format!("in.json:#{i}")).collect())
                }
                3 => {
                    // The first document alone on one line would make it NDJSON.
                    let format = if pretty[0].contains('\n') { pick(Format::Json) } else { Format::Json };
                    ("in.json", pretty.join("\n").into_bytes(), format,
                     starts(&pretty).iter().map(|l| format!("in.json:{l}")).collect())
                }
                4 => {
                    let rows: Vec<Value> = records.iter().map(|r| flat(&keys, r)).collect();
                    let page = serde_json::json!({"rows": rows, "hasMore": false});
                    ("in.json", serde_json::to_vec_pretty(&page).unwrap(), pick(Format::Json),
                     (1..=n).map(|i| format!("in.json:1#{i}")).collect())
                }
                5 | 6 => {
                    let (bytes, lines) = csv_document(&keys, &records);
                    let name = if shape == 5 { "in.csv" } else { "in.txt" };
                    (name, bytes, pick(Format::Csv), lines.iter().map(|l| format!("{name}:{l}")).collect())
                }
                _ => unreachable!(),
            };
            let seen = read_all(name, &bytes, format, usize::MAX);
            prop_assert_eq!(seen.len(), n, "{:?}", seen);
            for ((seen, record), origin) in seen.into_iter().zip(&records).zip(origins) {
                let (_, got_origin, value) = seen.map_err(TestCaseError::fail)?;
                prop_assert_eq!(got_origin, origin);
                let value = value.map_err(TestCaseError::fail)?;
                let mapped = FieldMap::default().apply(&value).map_err(TestCaseError::fail)?;
                let incident = Incident::new(mapped, &Overrides::default());
                prop_assert_eq!(incident, expected(&keys, record));
            }
        }
    }
}
