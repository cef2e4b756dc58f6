//! The store: every request kept for later (the outbox and `failed/`), the journal of API
//! outcomes and the flush lock, behind one type. Today it is the state directory.

mod archive;
mod disk;
mod entry;
mod file;
mod journal;

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::value::RawValue;

pub use entry::{Destination, Entry, EntryId, Folder, Listing, Pending, Retried};
pub use journal::{JournalEntry, Recorded, Replay, Request, SendHistory};

use archive::Archive;
use file::{FileLock, Outbox};
use journal::Journal;

/// The outbox, `failed/`, the journal and the flush lock of one state directory.
#[derive(Debug)]
pub struct Store {
    outbox: Outbox,
    journal: Journal,
    archive: Archive,
}

/// What looking an entry up by (a prefix of) its id found.
#[derive(Debug)]
pub enum Found {
    None,
    One(EntryId),
    /// More than one entry starts with it.
    Many(usize),
}

/// Whether the flush lock was taken.
#[derive(Debug)]
pub enum Locked {
    /// Held until this is dropped.
    Held(FlushLock),
    /// Another flush holds it.
    Busy,
}

/// The flush lock, held until dropped: two runs never send the same entry.
pub type FlushLock = FileLock;

impl Store {
    /// The store of a state directory.
    pub fn open(state_dir: &Path) -> Store {
        Store {
            outbox: Outbox::new(state_dir),
            journal: Journal::new(state_dir),
            archive: Archive::new(state_dir),
        }
    }

    /// Keep a request to be sent again later (`flush`).
    pub fn defer(&self, record: Pending<'_>) -> Result<EntryId> {
        self.outbox.store(Folder::Pending, record)
    }

    /// Keep a request the API refused for good, with its answer (in `failed/`).
    pub fn reject(&self, record: Pending<'_>) -> Result<EntryId> {
        self.outbox.store(Folder::Failed, record)
    }

    /// A request under `key` was delivered: a pending entry for the same key (from an
    /// earlier failed run, or the one being flushed) has nothing left to do.
    pub fn settle(&self, key: &str) -> Result<()> {
        self.outbox.remove(&EntryId::of_key(Folder::Pending, key))
    }

    /// One entry.
    pub fn get(&self, id: &EntryId) -> Result<Entry> {
        self.outbox.read(id)
    }

    /// Remove one entry (`outbox drop`).
    pub fn remove(&self, id: &EntryId) -> Result<()> {
        self.outbox.remove(id)
    }

    /// The entries of a folder, oldest first, and a warning for each that cannot be read.
    pub fn list(&self, folder: Folder) -> Result<Listing> {
        self.outbox.list(folder)
    }

    /// How many entries a folder holds.
    pub fn count(&self, folder: Folder) -> usize {
        self.outbox.count(folder)
    }

    /// The entry named by its id or a unique prefix of it (`.json` may follow).
    pub fn find(&self, id: &str) -> Found {
        self.outbox.find(id.trim().trim_end_matches(".json"))
    }

    /// Move a failed entry back to the outbox for the next flush.
    pub fn retry(&self, id: &EntryId) -> Result<Retried> {
        self.outbox.retry(id)
    }

    /// Take the flush lock; with `wait`, `waiting` is called before blocking.
    pub fn lock(&self, wait: bool, waiting: impl FnOnce()) -> Result<Locked> {
        self.outbox.lock(wait, waiting)
    }

    /// Where an entry is, as the user can open it.
    pub fn locate(&self, id: &EntryId) -> PathBuf {
        self.outbox.path_of(id)
    }

    /// Where a folder's entries are.
    pub fn location(&self, folder: Folder) -> PathBuf {
        self.outbox.dir_of(folder)
    }

    /// Why the store is unsafe to send from (others could plant entries), for each reason.
    pub fn unsafe_reasons(&self) -> Vec<String> {
        self.outbox.unsafe_dirs()
    }

    /// Whether a request could be kept now (`serve`'s readiness).
    pub fn writable(&self) -> Result<()> {
        self.outbox.writable()
    }

    /// Clear what writers that died left half-written: how many, and where.
    pub fn sweep(&self) -> Vec<(usize, PathBuf)> {
        self.outbox.sweep()
    }

    /// Append one line to the journal.
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        self.journal.append(entry)
    }

    /// What the journal recorded of real sends to one API and tenant.
    pub fn send_history(&self, base_url: &str, tenant: Option<&str>) -> Result<SendHistory> {
        self.journal.send_history(base_url, tenant)
    }

    /// Keep a copy of a body MailingCore accepted under `key` (for a fallback).
    pub fn keep_sent(&self, key: &str, body: &RawValue) -> Result<()> {
        self.archive.keep(key, body)
    }

    /// The copy of the body accepted under `key`, if one is kept.
    pub fn sent_body(&self, key: &str) -> Option<Box<RawValue>> {
        self.archive.get(key)
    }

    /// Remove the copies of accepted bodies older than `age`: how many.
    pub fn prune_sent(&self, age: std::time::Duration) -> Result<usize> {
        self.archive.prune(age)
    }

    /// Record a delivery event once (a redelivered event id records nothing).
    pub fn record_event(&self, entry: &JournalEntry) -> Result<Recorded> {
        self.journal.record_event(entry)
    }

    /// Every journal entry that can be read, oldest first.
    pub fn each_entry(&self, each: impl FnMut(JournalEntry)) {
        self.journal.each(each)
    }

    /// Whether an accepted send was a replay of an earlier email (see `Journal::replay`).
    pub fn replay(
        &self,
        destination: &Destination,
        key: &str,
        digest: Option<&str>,
        id: Option<&str>,
    ) -> Replay {
        self.journal.replay(
            &destination.base_url,
            destination.tenant_id.as_deref(),
            key,
            digest,
            id,
        )
    }
}
