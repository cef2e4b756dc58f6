//! The fields of one CSV record, parsed with buffers kept for the whole file, and the
//! header names a CSV document keeps.

pub(super) struct CsvState {
    pub(super) headers: Vec<String>,
}

/// Parses the records `csv_chunk` splits off, one at a time, with buffers kept for the
/// whole file.
pub(super) struct CsvParser {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvParser {
    pub(super) fn new() -> CsvParser {
        CsvParser {
            core: csv_core::Reader::new(),
            out: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The fields of the one record in `bytes`; `None` for a blank line.
    pub(super) fn row(&mut self, bytes: &[u8]) -> Result<Option<Vec<String>>, String> {
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
