//! What the store keeps of a request: the entry (the exact body as raw JSON, never the key),
//! where it was meant to go, and the id that names it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// Which of the two folders of kept requests an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Waiting to be sent again (`outbox flush`).
    Pending,
    /// Refused by the API for good, kept with its answer (`outbox retry` puts it back).
    Failed,
}

/// An entry of the store: its folder and its id (a hash of the idempotency key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryId {
    pub folder: Folder,
    pub id: String,
}

impl EntryId {
    /// The same idempotency key always maps to the same id, so a request deferred twice
    /// is stored once.
    pub fn of_key(folder: Folder, key: &str) -> EntryId {
        let hash = Sha256::digest(key.as_bytes());
        EntryId {
            folder,
            id: hex::encode(&hash[..8]),
        }
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

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
    /// The exact JSON body, idempotency key included: the bytes POSTed, kept as they are.
    pub body: Box<RawValue>,
}

impl Entry {
    /// The entry that stores `record` under `id`, over the `previous` one of the same key
    /// (the same folder's, or the outbox's when it moves to `failed/`): an entry keeps
    /// where it was first meant to go, when it was made and how often it was tried.
    pub(super) fn merged(
        id: &EntryId,
        record: Pending<'_>,
        previous: Option<&Entry>,
        now: String,
    ) -> Entry {
        let destination = match previous {
            Some(p) => Destination {
                base_url: p.base_url.clone(),
                tenant_id: p.tenant_id.clone(),
                profile: p.profile.clone(),
            },
            None => record.destination.clone(),
        };
        let addressing = Addressing::of(record.body);
        Entry {
            id: id.id.clone(),
            idempotency_key: record.key.to_string(),
            created_at: previous
                .map(|p| p.created_at.clone())
                .unwrap_or_else(|| now.clone()),
            updated_at: now,
            attempts: previous.map_or(0, |p| p.attempts) + record.attempts,
            first_error: previous
                .and_then(|p| p.first_error.clone().or_else(|| p.last_error.clone()))
                .or_else(|| record.error.clone()),
            retried_at: previous.and_then(|p| p.retried_at.clone()),
            incident_digest: record
                .digest
                .map(str::to_string)
                .or_else(|| previous.and_then(|p| p.incident_digest.clone())),
            label: record
                .label
                .map(str::to_string)
                .or_else(|| previous.and_then(|p| p.label.clone())),
            last_error: record.error,
            last_status: record.http,
            base_url: destination.base_url,
            tenant_id: destination.tenant_id,
            profile: destination.profile,
            origin: previous
                .and_then(|p| p.origin.clone())
                .or_else(|| record.origin.map(str::to_string)),
            subject: addressing.subject,
            to: addressing.to,
            body: record.body.to_owned(),
        }
    }

    /// The entry as `retry` puts it back in the outbox: its history kept, the first error
    /// remembered, the time of the retry noted.
    pub(super) fn retried(mut self, now: String) -> Entry {
        if self.first_error.is_none() {
            self.first_error = self.last_error.clone();
        }
        self.retried_at = Some(now);
        self
    }
}

/// Where the request was meant to go, recorded with each entry.
#[derive(Debug, Clone)]
pub struct Destination {
    pub base_url: String,
    pub tenant_id: Option<String>,
    pub profile: Option<String>,
}

/// What `defer` and `reject` store.
pub struct Pending<'a> {
    pub key: &'a str,
    pub body: &'a RawValue,
    pub attempts: u32,
    pub error: Option<String>,
    pub http: Option<u16>,
    pub origin: Option<&'a str>,
    /// How results name the incident.
    pub label: Option<&'a str>,
    pub digest: Option<&'a str>,
    pub destination: &'a Destination,
}

/// A folder's entries, oldest first, and a warning for each file that could not be read.
#[derive(Debug, Default)]
pub struct Listing {
    pub entries: Vec<(EntryId, Entry)>,
    pub unreadable: Vec<String>,
}

/// What `retry` did with one failed entry.
pub enum Retried {
    /// Back in the outbox under this id.
    Moved(EntryId, Box<Entry>),
    /// The same request is already waiting in the outbox; the failed copy is left alone.
    AlreadyPending(EntryId),
}

/// The addressing fields of a request body (`to`, `subject`), for listings.
#[derive(Deserialize, Default)]
struct Addressing {
    #[serde(default, deserialize_with = "text_or_none")]
    to: Option<String>,
    #[serde(default, deserialize_with = "text_or_none")]
    subject: Option<String>,
}

impl Addressing {
    fn of(body: &RawValue) -> Addressing {
        serde_json::from_str(body.get()).unwrap_or_default()
    }
}

/// A string, or nothing for any other JSON value.
fn text_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}
