//! The store: every request kept for later (the outbox and `failed/`), the journal of API
//! outcomes and the copies of accepted bodies, behind one type: the state directory, or a
//! PostgreSQL database that several hosts share.

mod archive;
mod disk;
mod entry;
mod file;
mod journal;
mod key_filter;
mod postgres;
mod run_keys;

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::value::RawValue;

pub use entry::{Destination, Entry, EntryId, Folder, Listing, Pending, Retried};
pub use journal::{JournalEntry, Recorded, Replay, Request, SendHistory};
pub use postgres::{Migrated, VERSION as SCHEMA_VERSION};

use crate::config::StoreSetting;
use archive::Archive;
use file::{FileLock, Outbox};
use journal::Journal;
use postgres::{Lease, Postgres};

/// The most entries one claim takes (a flush sends the rest in its next run).
const MAX_CLAIM: usize = 100_000;

/// The outbox, `failed/`, the journal and the kept bodies of one store.
#[derive(Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    Dir {
        outbox: Outbox,
        journal: Box<Journal>,
        archive: Archive,
    },
    Postgres(Postgres),
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

/// Held until dropped: no other run moves or sends the outbox's entries meanwhile (the
/// directory's lock file; a database needs none, its rows are claimed one by one).
#[derive(Debug)]
pub struct FlushLock {
    _file: Option<FileLock>,
}

/// The outbox entries one run may send, held until this is dropped: under the
/// directory's flush lock, or claimed in the database with a lease.
#[derive(Debug)]
pub struct Claim {
    pub listing: Listing,
    _hold: Hold,
}

#[derive(Debug)]
enum Hold {
    Lock { _lock: FlushLock },
    Lease { _lease: Lease },
}

/// Whether the entries were claimed.
#[derive(Debug)]
pub enum Claimed {
    Held(Claim),
    /// Another flush holds the directory's lock.
    Busy,
}

impl Store {
    /// The store a run is configured with. A database is not reached until it is used.
    pub fn open(setting: &StoreSetting, lease: Duration) -> Result<Store> {
        Ok(match setting {
            StoreSetting::Dir(dir) => Store::in_dir(dir),
            StoreSetting::Postgres(database) => Store {
                backend: Backend::Postgres(Postgres::open(database, lease)?),
            },
        })
    }

    /// The store of a state directory.
    pub fn in_dir(state_dir: &Path) -> Store {
        Store {
            backend: Backend::Dir {
                outbox: Outbox::new(state_dir),
                journal: Box::new(Journal::new(state_dir)),
                archive: Archive::new(state_dir),
            },
        }
    }

    /// How messages name the store: its directory, or the database without its password.
    pub fn shown(&self) -> String {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox
                .dir_of(Folder::Pending)
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            Backend::Postgres(db) => db.shown().to_string(),
        }
    }

    /// Reach a database before a run that writes there (a directory is made when written).
    pub fn connect(&self) -> Result<()> {
        match &self.backend {
            Backend::Dir { .. } => Ok(()),
            Backend::Postgres(db) => db.ping(),
        }
    }

    /// For a database: connect and bring its schema up to date. `None` for a directory.
    pub fn migrate(&self) -> Result<Option<Migrated>> {
        match &self.backend {
            Backend::Dir { .. } => Ok(None),
            Backend::Postgres(db) => db.migrated().map(Some),
        }
    }

    /// Keep a request to be sent again later (`flush`).
    pub fn defer(&self, record: Pending<'_>) -> Result<EntryId> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.store(Folder::Pending, record),
            Backend::Postgres(db) => db.store(Folder::Pending, record),
        }
    }

    /// Keep a request the API refused for good, with its answer (in `failed/`).
    pub fn reject(&self, record: Pending<'_>) -> Result<EntryId> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.store(Folder::Failed, record),
            Backend::Postgres(db) => db.store(Folder::Failed, record),
        }
    }

    /// A request under `key` was delivered: a pending entry for the same key (from an
    /// earlier failed run, or the one being flushed) has nothing left to do.
    pub fn settle(&self, key: &str) -> Result<()> {
        self.remove(&EntryId::of_key(Folder::Pending, key))
    }

    /// One entry.
    pub fn get(&self, id: &EntryId) -> Result<Entry> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.read(id),
            Backend::Postgres(db) => db.read(id),
        }
    }

    /// Remove one entry (`outbox drop`); one that is not there is not an error.
    pub fn remove(&self, id: &EntryId) -> Result<()> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.remove(id),
            Backend::Postgres(db) => db.remove(id),
        }
    }

    /// The entries of a folder, oldest first, and a warning for each that cannot be read.
    pub fn list(&self, folder: Folder) -> Result<Listing> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.list(folder),
            Backend::Postgres(db) => db.list(folder),
        }
    }

    /// How many entries a folder holds.
    pub fn count(&self, folder: Folder) -> Result<usize> {
        match &self.backend {
            Backend::Dir { outbox, .. } => Ok(outbox.count(folder)),
            Backend::Postgres(db) => db.count(folder),
        }
    }

    /// The entry named by its id or a unique prefix of it (`.json` may follow).
    pub fn find(&self, id: &str) -> Result<Found> {
        let prefix = id.trim().trim_end_matches(".json");
        match &self.backend {
            Backend::Dir { outbox, .. } => Ok(outbox.find(prefix)),
            Backend::Postgres(db) => db.find(prefix),
        }
    }

    /// Move a failed entry back to the outbox for the next flush.
    pub fn retry(&self, id: &EntryId) -> Result<Retried> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.retry(id),
            Backend::Postgres(db) => db.retry(id),
        }
    }

    /// Take the flush lock, so that no flush sends while entries move; with `wait`,
    /// `waiting` is called before blocking. A database needs no lock: it moves an entry
    /// in one transaction.
    pub fn lock(&self, wait: bool, waiting: impl FnOnce()) -> Result<Locked> {
        match &self.backend {
            Backend::Dir { outbox, .. } => Ok(match outbox.lock(wait, waiting)? {
                Some(file) => Locked::Held(FlushLock { _file: Some(file) }),
                None => Locked::Busy,
            }),
            Backend::Postgres(_) => Ok(Locked::Held(FlushLock { _file: None })),
        }
    }

    /// The outbox entries this run may send, oldest first, held until the claim is
    /// dropped: the directory's whole outbox under its flush lock (with `wait`, `waiting`
    /// is called before blocking on another flush), or the database's entries that no
    /// other run holds, each with a lease.
    pub fn claim(&self, wait: bool, waiting: impl FnOnce()) -> Result<Claimed> {
        match &self.backend {
            Backend::Dir { outbox, .. } => {
                let Some(file) = outbox.lock(wait, waiting)? else {
                    return Ok(Claimed::Busy);
                };
                Ok(Claimed::Held(Claim {
                    listing: outbox.list(Folder::Pending)?,
                    _hold: Hold::Lock {
                        _lock: FlushLock { _file: Some(file) },
                    },
                }))
            }
            Backend::Postgres(db) => {
                let (listing, lease) = db.claim(MAX_CLAIM)?;
                Ok(Claimed::Held(Claim {
                    listing,
                    _hold: Hold::Lease { _lease: lease },
                }))
            }
        }
    }

    /// Where an entry is, as the user can find it.
    pub fn locate(&self, id: &EntryId) -> String {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.path_of(id).display().to_string(),
            Backend::Postgres(db) => db.locate(id),
        }
    }

    /// Where a folder's entries are.
    pub fn location(&self, folder: Folder) -> String {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.dir_of(folder).display().to_string(),
            Backend::Postgres(db) => db.location(folder),
        }
    }

    /// Why the store is unsafe to send from (others could plant entries), for each reason.
    pub fn unsafe_reasons(&self) -> Vec<String> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.unsafe_dirs(),
            // Who may write its tables is the database's own access control.
            Backend::Postgres(_) => Vec::new(),
        }
    }

    /// Whether a request could be kept now (`serve`'s readiness, `send`'s first check).
    pub fn writable(&self) -> Result<()> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox.writable(),
            Backend::Postgres(db) => db.ping(),
        }
    }

    /// Clear what writers that died left half-written: how many, and where.
    pub fn sweep(&self) -> Vec<(usize, String)> {
        match &self.backend {
            Backend::Dir { outbox, .. } => outbox
                .sweep()
                .into_iter()
                .map(|(n, dir)| (n, dir.display().to_string()))
                .collect(),
            Backend::Postgres(_) => Vec::new(),
        }
    }

    /// Append one line to the journal.
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        match &self.backend {
            Backend::Dir { journal, .. } => journal.append(entry),
            Backend::Postgres(db) => db.append(entry),
        }
    }

    /// What the journal recorded of real sends to one API and tenant.
    pub fn send_history(&self, base_url: &str, tenant: Option<&str>) -> Result<SendHistory> {
        match &self.backend {
            Backend::Dir { journal, .. } => journal.send_history(base_url, tenant),
            Backend::Postgres(db) => db.send_history(base_url, tenant),
        }
    }

    /// Keep a copy of a body MailingCore accepted under `key` (for a fallback).
    pub fn keep_sent(&self, key: &str, body: &RawValue) -> Result<()> {
        match &self.backend {
            Backend::Dir { archive, .. } => archive.keep(key, body),
            Backend::Postgres(db) => db.keep_sent(key, body),
        }
    }

    /// The copy of the body accepted under `key`, if one is kept.
    pub fn sent_body(&self, key: &str) -> Option<Box<RawValue>> {
        match &self.backend {
            Backend::Dir { archive, .. } => archive.get(key),
            Backend::Postgres(db) => db.sent_body(key),
        }
    }

    /// Remove the copies of accepted bodies older than `age`: how many.
    pub fn prune_sent(&self, age: Duration) -> Result<usize> {
        match &self.backend {
            Backend::Dir { archive, .. } => archive.prune(age),
            Backend::Postgres(db) => db.prune_sent(age),
        }
    }

    /// Record a delivery event once (a redelivered event id records nothing).
    pub fn record_event(&self, entry: &JournalEntry) -> Result<Recorded> {
        match &self.backend {
            Backend::Dir { journal, .. } => journal.record_event(entry),
            Backend::Postgres(db) => db.record_event(entry),
        }
    }

    /// Every journal entry that can be read, oldest first.
    pub fn each_entry(&self, mut each: impl FnMut(JournalEntry)) -> Result<()> {
        match &self.backend {
            Backend::Dir { journal, .. } => {
                journal.each(each);
                Ok(())
            }
            Backend::Postgres(db) => {
                db.entries()?.into_iter().for_each(&mut each);
                Ok(())
            }
        }
    }

    /// The journal entries that may concern `query` (a key, an email id or a conversation
    /// id) or one of `keys`, and the events of their emails, oldest first: a superset of
    /// what `status` keeps. The directory gives every entry it can read.
    pub fn each_entry_of(
        &self,
        query: &str,
        keys: &[&str],
        mut each: impl FnMut(JournalEntry),
    ) -> Result<()> {
        match &self.backend {
            Backend::Dir { .. } => self.each_entry(each),
            Backend::Postgres(db) => {
                db.entries_of(query, keys)?.into_iter().for_each(&mut each);
                Ok(())
            }
        }
    }

    /// Whether an accepted send was a replay of an earlier email (see `Journal::replay`).
    pub fn replay(
        &self,
        destination: &Destination,
        key: &str,
        digest: Option<&str>,
        id: Option<&str>,
    ) -> Replay {
        match &self.backend {
            Backend::Dir { journal, .. } => journal.replay(
                &destination.base_url,
                destination.tenant_id.as_deref(),
                key,
                digest,
                id,
            ),
            Backend::Postgres(db) => db.replay(destination, key, digest, id),
        }
    }
}
