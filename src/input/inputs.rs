//! The records of every input in order, numbered across them all: what reading the
//! inputs yields.

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::document::Document;
use super::format::Format;
use crate::outcome::Origin;

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
    pub(super) files: VecDeque<PathBuf>,
    pub(super) format: Format,
    pub(super) current: Option<Document>,
    pub(super) next_number: usize,
    pub(super) flags_only: bool,
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
