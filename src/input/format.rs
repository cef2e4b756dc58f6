//! The input formats `--format` names.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Auto,
    Json,
    Ndjson,
    Csv,
}
