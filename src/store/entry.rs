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
            id: hash.iter().take(8).map(|b| format!("{b:02x}")).collect(),
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
pub(super) struct Addressing {
    #[serde(default, deserialize_with = "text_or_none")]
    pub to: Option<String>,
    #[serde(default, deserialize_with = "text_or_none")]
    pub subject: Option<String>,
}

impl Addressing {
    pub(super) fn of(body: &RawValue) -> Addressing {
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
