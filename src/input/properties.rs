//! Properties of the reader over arbitrary and well-formed input. The number of cases
//! comes from `PROPTEST_CASES` (256 by default).

use std::collections::VecDeque;
use std::io::{self, Cursor, Read};

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::document::Document;
use super::format::Format;
use super::inputs::{Inputs, Item};
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
        Some((line, index)) => number(line).is_some_and(|l| l <= lines) && number(index).is_some(),
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
                    "a", " ", "\n", "\r\n", "\"", ",", "'", "\\", "{", "[", "\u{feff}", "\0", "é",
                    "\t"
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
