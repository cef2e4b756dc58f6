//! The outbox: one JSON file per request that could not be delivered yet (or, under
//! `failed/`, that the API refused for good), holding the exact body and never the key.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::clock::now_rfc3339;
use crate::output::Printer;
use crate::state::{sweep_temp, unsafe_dir, write_atomic};

/// One stored request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    pub idempotency_key: String,
    pub created_at: String,
    pub updated_at: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub last_status: Option<u16>,
    /// The error of the first failed attempt, kept through retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// When `outbox retry` last moved the entry back from `failed/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retried_at: Option<String>,
    /// The digest of the incident's fields (`Incident::digest`), for the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_digest: Option<String>,
    /// How results name the incident (`5859 Albacenter Mall`), as `send` did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Where the request was first meant to go.
    pub base_url: String,
    pub tenant_id: Option<String>,
    pub profile: Option<String>,
    /// `FILE:LINE` of the record it came from.
    pub origin: Option<String>,
    pub subject: Option<String>,
    pub to: Option<String>,
    /// The exact JSON body, idempotency key included.
    pub body: Value,
}

/// Where the request was meant to go, recorded with each entry.
#[derive(Debug, Clone)]
pub struct Destination {
    pub base_url: String,
    pub tenant_id: Option<String>,
    pub profile: Option<String>,
}

/// The outbox directory and its `failed/` folder.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(state_dir: &Path) -> Outbox {
        Outbox {
            dir: state_dir.join("outbox"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn failed_dir(&self) -> PathBuf {
        self.dir.join("failed")
    }

    /// Before a run that may write here: a warning for each directory others could write,
    /// and the temp files of writers that died mid-write removed.
    pub fn prepare(&self, printer: &Printer) {
        for why in self.unsafe_dirs() {
            printer.warn(&why);
        }
        for dir in [self.dir.clone(), self.failed_dir()] {
            let removed = sweep_temp(&dir);
            if removed > 0 {
                printer.detail(
                    1,
                    &format!(
                        "removed {removed} temp file{} left by an interrupted write in {}",
                        if removed == 1 { "" } else { "s" },
                        dir.display()
                    ),
                );
            }
        }
    }

    /// Why the state or outbox directory is unsafe to send from, for each that is.
    pub fn unsafe_dirs(&self) -> Vec<String> {
        let state_dir = self.dir.parent().map(Path::to_path_buf);
        state_dir
            .into_iter()
            .chain([self.dir.clone(), self.failed_dir()])
            .filter_map(|dir| unsafe_dir(&dir))
            .collect()
    }

    /// The same idempotency key always maps to the same file, so a request deferred
    /// twice is stored once.
    pub fn id_for(key: &str) -> String {
        let hash = Sha256::digest(key.as_bytes());
        hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// The pending entry of a request, if it has one (a request sent by hand after a
    /// failed run).
    pub fn pending_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}.json", Outbox::id_for(key)))
    }

    /// Store (or update) a request to be sent again later.
    pub fn defer(&self, record: Pending<'_>) -> Result<PathBuf> {
        self.store(&self.dir, record)
    }

    /// Store a request the API refused for good, with its answer.
    pub fn reject(&self, record: Pending<'_>) -> Result<PathBuf> {
        self.store(&self.failed_dir(), record)
    }

    fn store(&self, dir: &Path, record: Pending<'_>) -> Result<PathBuf> {
        let id = Outbox::id_for(record.key);
        let path = dir.join(format!("{id}.json"));
        let now = now_rfc3339();
        // An entry keeps where it was first meant to go, when it was made and how often it
        // was tried, also when it moves from the outbox to `failed/`.
        let pending = self.pending_path(record.key);
        let previous = read_entry(&path)
            .or_else(|e| {
                if path == pending {
                    Err(e)
                } else {
                    read_entry(&pending)
                }
            })
            .ok();
        let destination = match &previous {
            Some(p) => Destination {
                base_url: p.base_url.clone(),
                tenant_id: p.tenant_id.clone(),
                profile: p.profile.clone(),
            },
            None => record.destination.clone(),
        };
        let entry = Entry {
            id,
            idempotency_key: record.key.to_string(),
            created_at: previous
                .as_ref()
                .map(|p| p.created_at.clone())
                .unwrap_or_else(|| now.clone()),
            updated_at: now,
            attempts: previous.as_ref().map_or(0, |p| p.attempts) + record.attempts,
            first_error: previous
                .as_ref()
                .and_then(|p| p.first_error.clone().or_else(|| p.last_error.clone()))
                .or_else(|| record.error.clone()),
            retried_at: previous.as_ref().and_then(|p| p.retried_at.clone()),
            incident_digest: record
                .digest
                .map(str::to_string)
                .or_else(|| previous.as_ref().and_then(|p| p.incident_digest.clone())),
            label: record
                .label
                .map(str::to_string)
                .or_else(|| previous.as_ref().and_then(|p| p.label.clone())),
            last_error: record.error,
            last_status: record.http,
            base_url: destination.base_url,
            tenant_id: destination.tenant_id,
            profile: destination.profile,
            origin: previous
                .as_ref()
                .and_then(|p| p.origin.clone())
                .or_else(|| record.origin.map(str::to_string)),
            subject: body_text(record.body, "subject"),
            to: body_text(record.body, "to"),
            body: record.body.clone(),
        };
        let mut bytes = serde_json::to_vec_pretty(&entry)?;
        bytes.push(b'\n');
        write_atomic(&path, &bytes)?;
        Ok(path)
    }
}

impl Outbox {
    /// Move an entry of `failed/` back to the outbox, its history kept (creation time,
    /// attempts, first error), so that the next flush sends it again with the same key.
    pub fn retry(&self, failed: &Path) -> Result<Retried> {
        let mut entry = read_entry(failed)?;
        let pending = self.pending_path(&entry.idempotency_key);
        if pending.exists() {
            return Ok(Retried::AlreadyPending(pending));
        }
        if entry.first_error.is_none() {
            entry.first_error = entry.last_error.clone();
        }
        entry.retried_at = Some(now_rfc3339());
        let mut bytes = serde_json::to_vec_pretty(&entry)?;
        bytes.push(b'\n');
        write_atomic(&pending, &bytes)?;
        fs::remove_file(failed).with_context(|| format!("cannot remove {}", failed.display()))?;
        Ok(Retried::Moved(pending, Box::new(entry)))
    }
}

/// What `retry` did with one failed entry.
pub enum Retried {
    /// Back in the outbox at this path.
    Moved(PathBuf, Box<Entry>),
    /// The same request is already waiting in the outbox; the failed copy is left alone.
    AlreadyPending(PathBuf),
}

/// What `defer` and `reject` store.
pub struct Pending<'a> {
    pub key: &'a str,
    pub body: &'a Value,
    pub attempts: u32,
    pub error: Option<String>,
    pub http: Option<u16>,
    pub origin: Option<&'a str>,
    /// How results name the incident.
    pub label: Option<&'a str>,
    pub digest: Option<&'a str>,
    pub destination: &'a Destination,
}

/// A text field of a request body (`to`, `subject`), for listings.
fn body_text(body: &Value, name: &str) -> Option<String> {
    body.get(name).and_then(Value::as_str).map(str::to_string)
}

pub fn read_entry(path: &Path) -> Result<Entry> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not an outbox entry", path.display()))
}
