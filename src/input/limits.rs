//! How much of an input is read: the size limits of a record, a document and a skip,
//! and the errors past them.

use std::io;

/// A record larger than this (raw bytes as read) is refused.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A single top-level JSON document (a Tables page, say) may be this large.
pub(super) const MAX_DOCUMENT_BYTES: usize = 64 << 20;
/// Past its limit, a record is skipped up to its end, but no further than this: a record
/// that runs on longer (`/dev/zero`, a binary file) ends the reading of its file.
pub(super) const MAX_SKIP_BYTES: usize = 64 << 20;

pub(super) fn runaway() -> io::Error {
    io::Error::other(format!(
        "a record runs on for more than {} MiB without ending (is this a text document?); the rest of the file is not read",
        MAX_SKIP_BYTES >> 20
    ))
}

pub(super) fn too_large() -> String {
    format!("the record is larger than {} MiB", MAX_RECORD_BYTES >> 20)
}
