//! Copies of accepted requests, kept for a while under `sent/` so that a bounce reported
//! later can send the same incident to the fallback address.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use serde_json::value::RawValue;

use super::disk::write_atomic;
use super::entry::{EntryId, Folder};

/// The folder of the copies.
#[derive(Debug, Clone)]
pub struct Archive {
    dir: PathBuf,
}

impl Archive {
    pub fn new(state_dir: &Path) -> Archive {
        Archive {
            dir: state_dir.join("sent"),
        }
    }

    fn path_of(&self, key: &str) -> PathBuf {
        let id = EntryId::of_key(Folder::Pending, key);
        self.dir.join(format!("{}.json", id.id))
    }

    /// Keep the exact body accepted under `key`.
    pub fn keep(&self, key: &str, body: &RawValue) -> Result<()> {
        write_atomic(&self.path_of(key), body.get().as_bytes())
    }

    /// The body accepted under `key`, if a copy is kept.
    pub fn get(&self, key: &str) -> Option<Box<RawValue>> {
        let text = fs::read_to_string(self.path_of(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Remove the copies older than `age`: how many.
    pub fn prune(&self, age: Duration) -> Result<usize> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.dir.display())),
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|d| d > age));
            if old && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
