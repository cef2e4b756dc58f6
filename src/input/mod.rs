//! Reads incident documents record by record: JSON objects and arrays, NDJSON, CSV,
//! Tables pages; one record in memory at a time.

mod csv_fields;
mod csv_reader;
mod detect;
mod document;
mod format;
mod fused;
mod inputs;
mod json;
mod limits;
mod ndjson;
#[cfg(test)]
mod properties;
mod scan;
mod wrapper;

pub use format::Format;
pub use inputs::{Inputs, Item};
pub use limits::MAX_RECORD_BYTES;
