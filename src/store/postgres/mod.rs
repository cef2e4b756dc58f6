//! The PostgreSQL store: the outbox, `failed/`, the journal and the kept bodies as tables
//! of one database that any number of hosts share. Entries are claimed with a lease
//! (`FOR UPDATE SKIP LOCKED`), not locked as a whole; event ids are unique across hosts.

mod lease;
mod pgpass;
mod schema;
mod session;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use postgres::Row;
use serde_json::value::RawValue;

pub use lease::Lease;
pub use schema::{Migrated, VERSION};

use super::entry::{Destination, Entry, EntryId, Folder, Listing, Pending, Retried};
use super::journal::{
    fold_accepted, is_first_acceptance, judge, JournalEntry, Recorded, Replay, Seen, SendHistory,
    Verdict,
};
use super::Found;
use crate::clock::now_rfc3339;
use crate::config::Database;
use session::{Conn, Session, Tx};

/// How many journal lines that could not be written are kept to write once the database
/// is back (the email went out; only its record waits).
const MAX_UNRECORDED: usize = 10_000;

/// One database, shared by every thread of the run.
#[derive(Debug)]
pub struct Postgres {
    session: Arc<Session>,
    /// How long a claim holds an entry without being renewed.
    lease: Duration,
    unrecorded: Mutex<Vec<JournalEntry>>,
}

fn folder_name(folder: Folder) -> &'static str {
    match folder {
        Folder::Pending => "pending",
        Folder::Failed => "failed",
    }
}

fn folder_of(name: &str) -> Folder {
    if name == "failed" {
        Folder::Failed
    } else {
        Folder::Pending
    }
}

/// A value's serde name (`send`, `sent`), as the journal's columns hold it.
fn name_of(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

impl Postgres {
    /// The store of `database`; nothing is connected until the first call.
    pub fn open(database: &Database, lease: Duration) -> Result<Postgres> {
        Ok(Postgres {
            session: Arc::new(Session::start(database)?),
            lease,
            unrecorded: Mutex::new(Vec::new()),
        })
    }

    /// How messages name the store.
    pub fn shown(&self) -> &str {
        self.session.shown()
    }

    /// Connect and bring the schema up to date: what it was and is.
    pub fn migrated(&self) -> Result<Migrated> {
        self.session.migrated()
    }

    /// Whether the database answers (and the lines that waited for it are written).
    pub fn ping(&self) -> Result<()> {
        self.session
            .call(|c| c.execute("SELECT 1", &[]).map(drop))?;
        self.catch_up()
    }

    /// Store (or update) a request in `folder`, in one transaction with the read of the
    /// entry it updates.
    pub fn store(&self, folder: Folder, record: Pending<'_>) -> Result<EntryId> {
        let id = EntryId::of_key(folder, record.key);
        let key = record.key.to_string();
        let body = record.body.to_owned();
        let owned = Owned {
            attempts: record.attempts,
            error: record.error,
            http: record.http,
            origin: record.origin.map(str::to_string),
            label: record.label.map(str::to_string),
            digest: record.digest.map(str::to_string),
            destination: record.destination.clone(),
        };
        let row_id = id.id.clone();
        let pending_id = EntryId::of_key(Folder::Pending, &key).id;
        self.session.call(move |client| {
            let mut tx = client.transaction()?;
            let mut previous = entry_at(&mut tx, folder, &row_id)?;
            if previous.is_none() && folder == Folder::Failed {
                previous = entry_at(&mut tx, Folder::Pending, &pending_id)?;
            }
            let record = Pending {
                key: &key,
                body: &body,
                attempts: owned.attempts,
                error: owned.error.clone(),
                http: owned.http,
                origin: owned.origin.as_deref(),
                label: owned.label.as_deref(),
                digest: owned.digest.as_deref(),
                destination: &owned.destination,
            };
            let at = EntryId {
                folder,
                id: row_id.clone(),
            };
            let entry = Entry::merged(&at, record, previous.as_ref(), now_rfc3339());
            let text = serde_json::to_string(&entry).unwrap_or_default();
            tx.execute(
                "INSERT INTO mcnotify_entries (folder, id, idempotency_key, created_at, entry)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (folder, id) DO UPDATE
                 SET idempotency_key = excluded.idempotency_key,
                     created_at = excluded.created_at, entry = excluded.entry",
                &[
                    &folder_name(folder),
                    &row_id,
                    &key,
                    &entry.created_at,
                    &text,
                ],
            )?;
            tx.commit()
        })?;
        Ok(id)
    }

    /// Move a failed entry back to the outbox, in one transaction.
    pub fn retry(&self, failed: &EntryId) -> Result<Retried> {
        let failed_id = failed.id.clone();
        let shown = self.shown().to_string();
        let moved = self.session.call(move |client| {
            let mut tx = client.transaction()?;
            let Some(entry) = entry_at(&mut tx, Folder::Failed, &failed_id)? else {
                return Ok(None);
            };
            let pending = EntryId::of_key(Folder::Pending, &entry.idempotency_key);
            if entry_at(&mut tx, Folder::Pending, &pending.id)?.is_some() {
                return Ok(Some(Retried::AlreadyPending(pending)));
            }
            let entry = entry.retried(now_rfc3339());
            tx.execute(
                "INSERT INTO mcnotify_entries (folder, id, idempotency_key, created_at, entry)
                 VALUES ('pending', $1, $2, $3, $4)",
                &[
                    &pending.id,
                    &entry.idempotency_key,
                    &entry.created_at,
                    &serde_json::to_string(&entry).unwrap_or_default(),
                ],
            )?;
            tx.execute(
                "DELETE FROM mcnotify_entries WHERE folder = 'failed' AND id = $1",
                &[&failed_id],
            )?;
            tx.commit()?;
            Ok(Some(Retried::Moved(pending, Box::new(entry))))
        })?;
        moved.ok_or_else(|| anyhow::anyhow!("no entry {} in {shown}", failed.id))
    }

    /// One entry.
    pub fn read(&self, id: &EntryId) -> Result<Entry> {
        let (folder, row_id) = (id.folder, id.id.clone());
        let entry = self
            .session
            .call(move |client| entry_text(client, folder, &row_id))?;
        let Some(text) = entry else {
            anyhow::bail!("no entry {id} in {}", self.locate(id));
        };
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not an outbox entry: {e}", self.locate(id)))
    }

    /// Remove an entry; one that is not there is not an error.
    pub fn remove(&self, id: &EntryId) -> Result<()> {
        let (folder, row_id) = (folder_name(id.folder), id.id.clone());
        self.session.call(move |client| {
            client
                .execute(
                    "DELETE FROM mcnotify_entries WHERE folder = $1 AND id = $2",
                    &[&folder, &row_id],
                )
                .map(drop)
        })
    }

    /// A folder's entries, oldest first.
    pub fn list(&self, folder: Folder) -> Result<Listing> {
        let name = folder_name(folder);
        let rows = self.session.call(move |client| {
            client.query(
                "SELECT id, entry FROM mcnotify_entries WHERE folder = $1
                 ORDER BY created_at, id",
                &[&name],
            )
        })?;
        Ok(self.listing(folder, &rows))
    }

    fn listing(&self, folder: Folder, rows: &[Row]) -> Listing {
        let mut listing = Listing::default();
        for row in rows {
            let id = EntryId {
                folder,
                id: row.get(0),
            };
            match serde_json::from_str::<Entry>(row.get(1)) {
                Ok(entry) => listing.entries.push((id, entry)),
                Err(e) => listing
                    .unreadable
                    .push(format!("{} is not an outbox entry: {e}", self.locate(&id))),
            }
        }
        listing
    }

    /// How many entries a folder holds.
    pub fn count(&self, folder: Folder) -> Result<usize> {
        let name = folder_name(folder);
        let n: i64 = self.session.call(move |client| {
            client
                .query_one(
                    "SELECT count(*) FROM mcnotify_entries WHERE folder = $1",
                    &[&name],
                )
                .map(|row| row.get(0))
        })?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The entry named by its id or a unique prefix of it, in either folder.
    pub fn find(&self, prefix: &str) -> Result<Found> {
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(Found::None);
        }
        let pattern = format!("{prefix}%");
        let rows = self.session.call(move |client| {
            client.query(
                "SELECT folder, id FROM mcnotify_entries WHERE id LIKE $1 LIMIT 100",
                &[&pattern],
            )
        })?;
        Ok(match rows.as_slice() {
            [] => Found::None,
            [row] => Found::One(EntryId {
                folder: folder_of(row.get(0)),
                id: row.get(1),
            }),
            many => Found::Many(many.len()),
        })
    }

    /// Claim the outbox entries no one else holds, oldest first, for the lease (renewed
    /// while the claim lives, released when it is dropped).
    pub fn claim(&self, limit: usize) -> Result<(Listing, Lease)> {
        let lease = Lease::take(self.session.clone(), self.lease);
        let owner = lease.owner().to_string();
        let seconds = self.lease.as_secs_f64();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.session.call(move |client| {
            client.query(
                "UPDATE mcnotify_entries
                 SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2)
                 WHERE (folder, id) IN (
                     SELECT folder, id FROM mcnotify_entries
                     WHERE folder = 'pending'
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY created_at, id
                     LIMIT $3
                     FOR UPDATE SKIP LOCKED)
                 RETURNING id, entry",
                &[&owner, &seconds, &limit],
            )
        })?;
        let mut listing = self.listing(Folder::Pending, &rows);
        listing
            .entries
            .sort_by(|a, b| (&a.1.created_at, &a.1.id).cmp(&(&b.1.created_at, &b.1.id)));
        Ok((listing, lease))
    }

    /// Where an entry is, as messages name it.
    pub fn locate(&self, id: &EntryId) -> String {
        format!("{}#{}", self.location(id.folder), id.id)
    }

    /// Where a folder's entries are, as messages name it.
    pub fn location(&self, folder: Folder) -> String {
        match folder {
            Folder::Pending => format!("{} (outbox)", self.shown()),
            Folder::Failed => format!("{} (failed)", self.shown()),
        }
    }

    /// Append one line to the journal. When the database cannot take it, the line waits
    /// in memory (up to a bound) and is written at the next call that reaches it.
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        let _ = self.catch_up();
        if let Err(e) = self.insert(entry) {
            let mut waiting = self.unrecorded.lock().unwrap_or_else(|e| e.into_inner());
            if waiting.len() < MAX_UNRECORDED {
                waiting.push(entry.clone());
                return Err(e.context("the journal line waits to be written"));
            }
            return Err(e);
        }
        Ok(())
    }

    /// Write the journal lines that waited for the database.
    fn catch_up(&self) -> Result<()> {
        let waiting =
            std::mem::take(&mut *self.unrecorded.lock().unwrap_or_else(|e| e.into_inner()));
        for (n, entry) in waiting.iter().enumerate() {
            if let Err(e) = self.insert(entry) {
                let mut back = self.unrecorded.lock().unwrap_or_else(|e| e.into_inner());
                back.splice(0..0, waiting[n..].iter().cloned());
                return Err(e);
            }
        }
        Ok(())
    }

    /// Insert a journal line: `false` when it is a delivery event whose id is already
    /// recorded (a line without an event id always goes in).
    fn insert(&self, entry: &JournalEntry) -> Result<bool> {
        let line = serde_json::to_string(entry)?;
        let request = name_of(&entry.request);
        let outcome = name_of(&entry.outcome);
        let base_url = entry.base_url.clone();
        let tenant = entry.tenant_id.clone();
        let key = entry.idempotency_key.clone();
        let has_quota = entry.quota.is_some();
        let email = entry.id.clone();
        let conversation = entry.conversation_id.clone();
        let event = entry.event.as_ref().map(|e| e.id.clone());
        let written = self.session.call(move |client| {
            client.execute(
                "INSERT INTO mcnotify_journal (request, base_url, tenant_id, idempotency_key,
                     outcome, has_quota, email_id, conversation_id, event_id, line)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (event_id) DO NOTHING",
                &[
                    &request,
                    &base_url,
                    &tenant,
                    &key,
                    &outcome,
                    &has_quota,
                    &email,
                    &conversation,
                    &event,
                    &line,
                ],
            )
        })?;
        Ok(written > 0)
    }

    /// Record a delivery event once across every host: its id is unique in the table.
    pub fn record_event(&self, entry: &JournalEntry) -> Result<Recorded> {
        let _ = self.catch_up();
        Ok(if self.insert(entry)? {
            Recorded::New
        } else {
            Recorded::Duplicate
        })
    }

    /// Every journal line, oldest first.
    pub fn entries(&self) -> Result<Vec<JournalEntry>> {
        let rows = self
            .session
            .call(|client| client.query("SELECT line FROM mcnotify_journal ORDER BY seq", &[]))?;
        Ok(parse_lines(&rows))
    }

    /// The sends under `query` or one of `keys`, of email `query` or of conversation
    /// `query`, and the events of their emails, oldest first.
    pub fn entries_of(&self, query: &str, keys: &[&str]) -> Result<Vec<JournalEntry>> {
        let query = query.to_string();
        let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        keys.push(query.clone());
        let rows = self.session.call(move |client| {
            client.query(
                "WITH sends AS (
                     SELECT seq, line, email_id FROM mcnotify_journal
                     WHERE request = 'send'
                       AND (idempotency_key = ANY($1) OR email_id = $2 OR conversation_id = $2))
                 SELECT seq, line FROM sends
                 UNION ALL
                 SELECT seq, line FROM mcnotify_journal
                 WHERE request = 'event'
                   AND email_id IN (SELECT email_id FROM sends WHERE email_id IS NOT NULL)
                 ORDER BY 1",
                &[&keys, &query],
            )
        })?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str(row.get::<_, &str>(1)).ok())
            .collect())
    }

    /// The newest quota figures and block of real sends to one API and tenant.
    pub fn send_history(&self, base_url: &str, tenant: Option<&str>) -> Result<SendHistory> {
        let (base_url, tenant) = (base_url.to_string(), tenant.map(str::to_string));
        let (quota, last) = self.session.call(move |client| {
            let quota = client.query_opt(
                "SELECT line FROM mcnotify_journal
                 WHERE base_url = $1 AND request = 'send' AND tenant_id IS NOT DISTINCT FROM $2
                   AND has_quota
                 ORDER BY seq DESC LIMIT 1",
                &[&base_url, &tenant],
            )?;
            let last = client.query_opt(
                "SELECT line FROM mcnotify_journal
                 WHERE base_url = $1 AND request = 'send' AND tenant_id IS NOT DISTINCT FROM $2
                   AND outcome IN ('sent', 'quota')
                 ORDER BY seq DESC LIMIT 1",
                &[&base_url, &tenant],
            )?;
            Ok((quota, last))
        })?;
        let line = |row: Option<Row>| row.and_then(|r| parse_lines(&[r]).pop());
        Ok(SendHistory {
            last_quota: line(quota),
            blocked: line(last).filter(|e| e.outcome == crate::api::OutcomeKind::Quota),
            notes: Vec::new(),
        })
    }

    /// Whether an accepted send under `key` replayed an earlier email (see
    /// `Journal::replay`), from the acceptances every host recorded.
    pub fn replay(
        &self,
        destination: &Destination,
        key: &str,
        digest: Option<&str>,
        id: Option<&str>,
    ) -> Replay {
        let (base_url, tenant, wanted) = (
            destination.base_url.clone(),
            destination.tenant_id.clone(),
            key.to_string(),
        );
        let rows = self.session.call(move |client| {
            client.query(
                "SELECT line FROM mcnotify_journal
                 WHERE idempotency_key = $1 AND request = 'send' AND outcome = 'sent'
                   AND base_url = $2 AND tenant_id IS NOT DISTINCT FROM $3
                 ORDER BY seq",
                &[&wanted, &base_url, &tenant],
            )
        });
        // The journal is advisory: when it cannot be read, every send is the first.
        let Ok(rows) = rows else {
            return Replay::First;
        };
        let accepted = parse_lines(&rows);
        let earlier = accepted.iter().fold(None, |seen: Option<Seen>, entry| {
            fold_accepted(seen, entry).or(seen)
        });
        match judge(earlier, Seen::of(digest, id)) {
            Verdict::First => Replay::First,
            Verdict::Same => Replay::Same,
            Verdict::Different => Replay::Different(
                accepted
                    .into_iter()
                    .find(|e| is_first_acceptance(e, key, id))
                    .map(Box::new),
            ),
        }
    }

    /// Keep the exact body accepted under `key`.
    pub fn keep_sent(&self, key: &str, body: &RawValue) -> Result<()> {
        let (key, body) = (key.to_string(), body.get().to_string());
        self.session.call(move |client| {
            client
                .execute(
                    "INSERT INTO mcnotify_sent (key, body) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET body = excluded.body, kept_at = now()",
                    &[&key, &body],
                )
                .map(drop)
        })
    }

    /// The body accepted under `key`, if a copy is kept.
    pub fn sent_body(&self, key: &str) -> Option<Box<RawValue>> {
        let key = key.to_string();
        let row = self
            .session
            .call(move |client| {
                client.query_opt("SELECT body FROM mcnotify_sent WHERE key = $1", &[&key])
            })
            .ok()??;
        serde_json::from_str(row.get(0)).ok()
    }

    /// Remove the copies older than `age`: how many.
    pub fn prune_sent(&self, age: Duration) -> Result<usize> {
        let seconds = age.as_secs_f64();
        let n = self.session.call(move |client| {
            client.execute(
                "DELETE FROM mcnotify_sent WHERE kept_at < now() - make_interval(secs => $1)",
                &[&seconds],
            )
        })?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

impl Drop for Postgres {
    /// The journal lines still waiting get one more chance.
    fn drop(&mut self) {
        let _ = self.catch_up();
    }
}

/// What `store` keeps of a record, owned so that the connection's thread can use it.
struct Owned {
    attempts: u32,
    error: Option<String>,
    http: Option<u16>,
    origin: Option<String>,
    label: Option<String>,
    digest: Option<String>,
    destination: Destination,
}

const ENTRY: &str = "SELECT entry FROM mcnotify_entries WHERE folder = $1 AND id = $2";

fn entry_text(
    client: &mut Conn<'_>,
    folder: Folder,
    id: &str,
) -> Result<Option<String>, postgres::Error> {
    Ok(client
        .query_opt(ENTRY, &[&folder_name(folder), &id])?
        .map(|row| row.get(0)))
}

/// The entry at `folder`/`id`, locked for the transaction; one that does not parse counts
/// as none (it is then written over).
fn entry_at(tx: &mut Tx<'_>, folder: Folder, id: &str) -> Result<Option<Entry>, postgres::Error> {
    Ok(tx
        .query_opt(
            "SELECT entry FROM mcnotify_entries WHERE folder = $1 AND id = $2 FOR UPDATE",
            &[&folder_name(folder), &id],
        )?
        .and_then(|row| serde_json::from_str(row.get::<_, &str>(0)).ok()))
}

/// The journal lines of `rows` (column 0) that parse.
fn parse_lines(rows: &[Row]) -> Vec<JournalEntry> {
    rows.iter()
        .filter_map(|row| serde_json::from_str(row.get::<_, &str>(0)).ok())
        .collect()
}
