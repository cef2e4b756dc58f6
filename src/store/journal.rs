//! The journal: an append-only JSON Lines record of every API outcome (never the key).

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::disk::private_dir;
use super::run_keys::{Lookup, RunKeys};
use crate::api::{Exchange, Outcome, OutcomeKind};
use crate::clock::now_rfc3339;
use crate::event::{Event, EventRecord};
use crate::quota::{Quota, RateLimit};

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub time: String,
    pub base_url: String,
    pub tenant_id: Option<String>,
    /// What was asked.
    pub request: Request,
    pub idempotency_key: Option<String>,
    pub outcome: OutcomeKind,
    pub http: Option<u16>,
    pub id: Option<String>,
    pub status: Option<String>,
    pub quota: Option<Quota>,
    pub rate_limit: Option<RateLimit>,
    pub error: Option<String>,
    /// For a send: the digest of the incident's fields (`Incident::digest`), to tell a
    /// replay of the same incident from a different one reusing its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_digest: Option<String>,
    /// For an accepted send: MailingCore answered with an email it had accepted earlier
    /// under the same key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replayed: Option<bool>,
    /// For a send: the incident's conversation, for `status` to find it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// For a delivery event (`request` `event`): which one; `id` is the email's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventRecord>,
}

/// What a journal entry asked of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Request {
    /// `POST /emails/send`.
    Send,
    /// A read of the logs endpoint (`verify-key`, `check-quota`).
    Probe,
    /// A delivery event MailingCore posted to `serve`'s webhook.
    Event,
    /// A name this version does not know, from a line written by another version: the
    /// line is still read. Never written.
    #[serde(other)]
    Other,
}

impl JournalEntry {
    /// The entry for one exchange with the API.
    pub fn of(
        request: Request,
        base_url: &str,
        tenant: Option<&str>,
        idempotency_key: Option<&str>,
        exchange: &Exchange,
    ) -> JournalEntry {
        let (id, status) = match &exchange.outcome {
            Outcome::Accepted { id, status, .. } => (id.clone(), status.clone()),
            _ => (None, None),
        };
        JournalEntry {
            time: now_rfc3339(),
            base_url: base_url.to_string(),
            tenant_id: tenant.map(str::to_string),
            request,
            idempotency_key: idempotency_key.map(str::to_string),
            outcome: exchange.outcome.kind(),
            http: exchange.outcome.http(),
            id,
            status,
            quota: exchange.quota.clone(),
            rate_limit: exchange.rate_limit.clone(),
            error: exchange.outcome.error(),
            incident_digest: None,
            replayed: None,
            conversation_id: None,
            event: None,
        }
    }

    /// The entry of a delivery event about email `event.email_log_id`.
    pub fn of_event(event: &Event, base_url: &str) -> JournalEntry {
        JournalEntry {
            time: now_rfc3339(),
            base_url: base_url.to_string(),
            tenant_id: event.tenant_id.clone(),
            request: Request::Event,
            idempotency_key: None,
            outcome: OutcomeKind::Event,
            http: None,
            id: event.email_log_id.clone(),
            status: Some(event.kind.clone()),
            quota: None,
            rate_limit: None,
            error: event.diagnostic.clone(),
            incident_digest: None,
            replayed: None,
            conversation_id: None,
            event: Some(event.record()),
        }
    }
}

/// Whether an event was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// Its id was recorded before: a redelivery.
    Duplicate,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    /// Opened for appending on the first entry, then kept for the rest of the run.
    file: OnceLock<File>,
    /// The keys accepted so far, read from the journal at the first accepted send.
    accepted: Mutex<Option<AcceptedIndex>>,
    /// The ids of the delivery events recorded, read from the journal at the first event.
    events: Mutex<Option<HashSet<String>>>,
}

impl Journal {
    pub fn new(state_dir: &Path) -> Journal {
        Journal {
            path: state_dir.join("journal.jsonl"),
            file: OnceLock::new(),
            accepted: Mutex::new(None),
            events: Mutex::new(None),
        }
    }

    fn file(&self) -> Result<&File> {
        if let Some(file) = self.file.get() {
            return Ok(file);
        }
        if let Some(dir) = self.path.parent() {
            private_dir(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true).read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&self.path)
            .with_context(|| format!("cannot open the journal {}", self.path.display()))?;
        end_torn_line(&file);
        // Two threads may open it at once: one handle is kept, the other closed.
        Ok(self.file.get_or_init(|| file))
    }

    /// Append one entry as a single write to a file opened for appending, so concurrent
    /// runs and threads never interleave a line.
    /// Record a delivery event once: a redelivery of the same event id records nothing.
    pub fn record_event(&self, entry: &JournalEntry) -> Result<Recorded> {
        let Some(id) = entry.event.as_ref().map(|e| e.id.clone()) else {
            self.append(entry)?;
            return Ok(Recorded::New);
        };
        let mut guard = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let seen = guard.get_or_insert_with(|| {
            let mut seen = HashSet::new();
            self.each(|line| {
                if let Some(event) = line.event {
                    seen.insert(event.id);
                }
            });
            seen
        });
        if seen.contains(&id) {
            return Ok(Recorded::Duplicate);
        }
        self.append(entry)?;
        seen.insert(id);
        Ok(Recorded::New)
    }

    /// Every entry that can be read, in order (a torn line is skipped).
    pub fn each(&self, each: impl FnMut(JournalEntry)) {
        self.each_after(0, each);
    }

    /// Every entry from byte `offset` on that can be read, in order.
    fn each_after(&self, offset: u64, mut each: impl FnMut(JournalEntry)) {
        let Ok(mut file) = File::open(&self.path) else {
            return;
        };
        if offset > 0 && file.seek(SeekFrom::Start(offset)).is_err() {
            return;
        }
        for line in BufReader::new(file).split(b'\n') {
            let Ok(line) = line else {
                return;
            };
            if let (Some(entry), _) = parse_line(&line) {
                each(entry);
            }
        }
    }

    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file()?;
        file.write_all(&line)
            .with_context(|| format!("cannot write the journal {}", self.path.display()))
    }
}

/// A journal whose last line was cut short (a crash mid-append, a full disk) gets a line
/// break first, so the next entry starts on a line of its own instead of being glued to
/// the torn one. (Appends are whole `write`s, so the last byte is a line break unless a
/// write was cut short.)
fn end_torn_line(mut file: &File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let Ok(len) = file.metadata().map(|m| m.len()) else {
            return;
        };
        let mut last = [0u8];
        if len > 0 && file.read_at(&mut last, len - 1).is_ok() && last[0] != b'\n' {
            let _ = file.write_all(b"\n");
        }
    }
    #[cfg(not(unix))]
    let _ = &mut file;
}

/// One journal line: the entry it holds, or the entry that follows a torn prefix (a line
/// an older version appended right after a torn one), or nothing.
fn parse_line(line: &[u8]) -> (Option<JournalEntry>, bool) {
    if let Ok(entry) = serde_json::from_slice::<JournalEntry>(line) {
        return (Some(entry), false);
    }
    // Every entry starts with its time: try each start after the first byte.
    const START: &[u8] = b"{\"time\":";
    let found = (1..line.len())
        .filter(|&i| line[i..].starts_with(START))
        .find_map(|i| serde_json::from_slice::<JournalEntry>(&line[i..]).ok());
    (found, true)
}

/// What the journal last recorded of real sends to one API and tenant.
#[derive(Debug, Clone, Default)]
pub struct SendHistory {
    /// The newest send whose answer carried quota figures.
    pub last_quota: Option<JournalEntry>,
    /// The newest send, when it was refused for the monthly quota.
    pub blocked: Option<JournalEntry>,
    /// A note for each torn line that was skipped (for `-v`).
    pub notes: Vec<String>,
}

impl Journal {
    /// Scan the journal line by line (it may be long) for sends to `base_url` as
    /// `tenant`. A line that does not parse (torn by a crash or a full disk) is skipped
    /// with a note, and only that line: the journal is advisory.
    pub fn send_history(&self, base_url: &str, tenant: Option<&str>) -> Result<SendHistory> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SendHistory::default()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the journal {}", self.path.display()))
            }
        };
        let mut history = SendHistory::default();
        for (number, line) in BufReader::new(file).split(b'\n').enumerate() {
            let line =
                line.with_context(|| format!("cannot read the journal {}", self.path.display()))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (entry, torn) = parse_line(&line);
            if torn {
                history.notes.push(format!(
                    "the journal {}:{} is not a whole entry (a write cut short); {}",
                    self.path.display(),
                    number + 1,
                    if entry.is_some() {
                        "read the entry after it"
                    } else {
                        "skipped"
                    }
                ));
            }
            let Some(entry) = entry else {
                continue;
            };
            if entry.request != Request::Send
                || entry.base_url != base_url
                || entry.tenant_id.as_deref() != tenant
            {
                continue;
            }
            if entry.outcome == OutcomeKind::Quota {
                history.blocked = Some(entry.clone());
            } else if entry.outcome == OutcomeKind::Sent {
                history.blocked = None;
            }
            if entry.quota.is_some() {
                history.last_quota = Some(entry);
            }
        }
        Ok(history)
    }
}

/// The accepted keys of one API and tenant: those the journal held when it was read, kept
/// small (two hashes per key, not the strings), and those accepted since, in memory that
/// does not grow with each key (an older one is looked up in the lines written since).
#[derive(Debug)]
struct AcceptedIndex {
    base_url: String,
    tenant: Option<String>,
    seen: HashMap<u64, Seen>,
    /// Where the journal ended when it was read.
    read_to: u64,
    /// The keys accepted since.
    since: RunKeys<Seen>,
}

fn hash_of(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// How an accepted send relates to what the journal knew of its key.
#[derive(Debug, Clone)]
pub enum Replay {
    /// The first email under this key (or a new one: MailingCore answered another id).
    First,
    /// MailingCore answered with the email it accepted earlier for the same incident.
    Same,
    /// MailingCore answered with the email it accepted earlier for a different incident;
    /// this one was not sent. The earlier email's journal line, when it can be read.
    Different(Option<Box<JournalEntry>>),
}

impl Replay {
    pub fn replayed(&self) -> bool {
        !matches!(self, Replay::First)
    }
}

impl Journal {
    /// Whether an accepted send under `key` was a replay of an earlier email, and of the
    /// same incident. MailingCore answers a replay exactly as it answered the first send
    /// (same status, same body, no header), so the journal is what tells: an earlier
    /// acceptance of the key with the same email id. Call it before appending the send's
    /// own line. The journal is advisory: when it cannot be read, every send is `First`.
    pub fn replay(
        &self,
        base_url: &str,
        tenant: Option<&str>,
        key: &str,
        digest: Option<&str>,
        id: Option<&str>,
    ) -> Replay {
        let mut guard = self.accepted.lock().unwrap_or_else(|e| e.into_inner());
        let stale = guard
            .as_ref()
            .is_none_or(|i| i.base_url != base_url || i.tenant.as_deref() != tenant);
        if stale {
            *guard = Some(self.accepted_index(base_url, tenant));
        }
        let index = guard.as_mut().expect("loaded above");
        let now = Seen::of(digest, id);
        let key_hash = hash_of(key);
        let mut earlier = index.seen.get(&key_hash).copied();
        match index.since.get(key_hash) {
            Lookup::Known(seen) => earlier = Some(seen),
            Lookup::Maybe if !self.sent_since(index.read_to, base_url, tenant, key) => {
                // The filter's rare mistake: this run never accepted the key.
            }
            Lookup::Maybe => {
                // An older key of this run again: the lines written since the journal was
                // read join the index, once for all of them.
                let read_to = std::fs::metadata(&self.path).map_or(0, |m| m.len());
                let seen = &mut index.seen;
                self.each_send_after(index.read_to, base_url, tenant, |entry| {
                    fold_into(seen, &entry);
                });
                index.read_to = read_to;
                index.since = RunKeys::default();
                earlier = index.seen.get(&key_hash).copied();
            }
            Lookup::No => {}
        }
        match judge(earlier, now) {
            Verdict::First => {
                index.since.insert(key_hash, now);
                Replay::First
            }
            Verdict::Same => Replay::Same,
            Verdict::Different => {
                drop(guard);
                Replay::Different(
                    self.first_acceptance(base_url, tenant, key, id)
                        .map(Box::new),
                )
            }
        }
    }

    /// Whether a send under `key` is in the journal from byte `offset` on.
    fn sent_since(&self, offset: u64, base_url: &str, tenant: Option<&str>, key: &str) -> bool {
        let mut found = false;
        self.each_send_after(offset, base_url, tenant, |entry| {
            found |= entry.idempotency_key.as_deref() == Some(key);
        });
        found
    }

    /// Every send to `base_url` as `tenant` that could be read, in order.
    fn each_send(&self, base_url: &str, tenant: Option<&str>, each: impl FnMut(JournalEntry)) {
        self.each_send_after(0, base_url, tenant, each);
    }

    /// Every send to `base_url` as `tenant` from byte `offset` of the journal on (a line
    /// cut by the offset is skipped).
    fn each_send_after(
        &self,
        offset: u64,
        base_url: &str,
        tenant: Option<&str>,
        mut each: impl FnMut(JournalEntry),
    ) {
        self.each_after(offset, |entry| {
            if entry.request == Request::Send
                && entry.base_url == base_url
                && entry.tenant_id.as_deref() == tenant
            {
                each(entry);
            }
        });
    }

    fn accepted_index(&self, base_url: &str, tenant: Option<&str>) -> AcceptedIndex {
        // Lines written while it is read may be read twice, as history and as new: harmless.
        let read_to = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        let mut seen: HashMap<u64, Seen> = HashMap::new();
        self.each_send(base_url, tenant, |entry| fold_into(&mut seen, &entry));
        AcceptedIndex {
            base_url: base_url.to_string(),
            tenant: tenant.map(str::to_string),
            seen,
            read_to,
            since: RunKeys::default(),
        }
    }

    /// The line of the first acceptance of `key` (as email `id`, when known).
    fn first_acceptance(
        &self,
        base_url: &str,
        tenant: Option<&str>,
        key: &str,
        id: Option<&str>,
    ) -> Option<JournalEntry> {
        let mut found = None;
        self.each_send(base_url, tenant, |entry| {
            if found.is_none() && is_first_acceptance(&entry, key, id) {
                found = Some(entry);
            }
        });
        found
    }
}

/// What an accepted send's key and email left in the journal: 31 bits of a hash of each,
/// not the strings, so that a long journal's index is 16 bytes a key. (They are only
/// compared between the acceptances of one key: two that differ look alike once in 2^31.)
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen {
    digest: Option<NonZeroU32>,
    id: Option<NonZeroU32>,
}

impl Seen {
    pub(super) fn of(digest: Option<&str>, id: Option<&str>) -> Seen {
        let short = |text: &str| NonZeroU32::new((hash_of(text) as u32) | 0x8000_0000);
        Seen {
            digest: digest.and_then(short),
            id: id.and_then(short),
        }
    }
}

/// The acceptance of a key that counts after `entry`, a send under it that was read after
/// `earlier`: `None` when it changes nothing (not an acceptance, a replay, or the same
/// email again).
pub(super) fn fold_accepted(earlier: Option<Seen>, entry: &JournalEntry) -> Option<Seen> {
    if entry.outcome != OutcomeKind::Sent || entry.replayed == Some(true) {
        return None;
    }
    let now = Seen::of(entry.incident_digest.as_deref(), entry.id.as_deref());
    match earlier {
        Some(earlier) if earlier.id == now.id || now.id.is_none() => None,
        _ => Some(now),
    }
}

/// How an accepted send relates to the earlier acceptance of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The first email under the key (or a new one: MailingCore answered another id).
    First,
    /// The email accepted earlier, for the same incident.
    Same,
    /// The email accepted earlier, for a different incident.
    Different,
}

pub(super) fn judge(earlier: Option<Seen>, now: Seen) -> Verdict {
    let Some(earlier) = earlier else {
        return Verdict::First;
    };
    match (earlier.id, now.id) {
        // Another id: not a replay (the key outlived MailingCore's retention window).
        (Some(a), Some(b)) if a != b => Verdict::First,
        _ => match (earlier.digest, now.digest) {
            (Some(a), Some(b)) if a != b => Verdict::Different,
            _ => Verdict::Same,
        },
    }
}

/// Add what a send line says of its key to an index of acceptances.
fn fold_into(seen: &mut HashMap<u64, Seen>, entry: &JournalEntry) {
    let Some(key) = &entry.idempotency_key else {
        return;
    };
    let key = hash_of(key);
    if let Some(now) = fold_accepted(seen.get(&key).copied(), entry) {
        seen.insert(key, now);
    }
}

/// Whether `entry` is the first acceptance of `key` (as email `id`, when known).
pub(super) fn is_first_acceptance(entry: &JournalEntry, key: &str, id: Option<&str>) -> bool {
    entry.outcome == OutcomeKind::Sent
        && entry.replayed != Some(true)
        && entry.idempotency_key.as_deref() == Some(key)
        && (id.is_none() || entry.id.as_deref() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(base: &str, outcome: OutcomeKind, used: Option<u64>) -> JournalEntry {
        JournalEntry {
            time: "2026-11-24T03:00:00Z".into(),
            base_url: base.into(),
            tenant_id: None,
            request: Request::Send,
            idempotency_key: Some("k".into()),
            outcome,
            http: Some(201),
            id: None,
            status: None,
            quota: used.map(|u| Quota {
                limit: Some(100),
                used: Some(u),
                percentage: Some(u),
                warning: u >= 80,
            }),
            rate_limit: None,
            error: None,
            incident_digest: None,
            replayed: None,
            conversation_id: None,
            event: None,
        }
    }

    fn line(entry: &JournalEntry) -> String {
        serde_json::to_string(entry).unwrap()
    }

    #[test]
    fn requests_and_outcomes_keep_their_names_on_disk() {
        let names = [
            (OutcomeKind::Sent, "sent"),
            (OutcomeKind::Rejected, "rejected"),
            (OutcomeKind::Auth, "auth"),
            (OutcomeKind::Quota, "quota"),
            (OutcomeKind::Transient, "transient"),
            (OutcomeKind::Redirect, "redirect"),
        ];
        for (kind, name) in names {
            assert_eq!(serde_json::to_value(kind).unwrap(), name);
        }
        assert_eq!(serde_json::to_value(Request::Send).unwrap(), "send");
        assert_eq!(serde_json::to_value(Request::Probe).unwrap(), "probe");
        let text = line(&entry("https://a", OutcomeKind::Quota, None));
        assert!(
            text.contains(r#""request":"send","idempotencyKey":"k","outcome":"quota""#),
            "{text}"
        );
        // A line from a version with names this one does not know is still read.
        let other = text
            .replace(r#""send""#, r#""webhook""#)
            .replace(r#""quota""#, r#""bounced""#);
        let (read, torn) = parse_line(other.as_bytes());
        let read = read.expect("read");
        assert!(!torn);
        assert_eq!(
            (read.request, read.outcome),
            (Request::Other, OutcomeKind::Other)
        );
    }

    #[test]
    fn a_torn_line_is_skipped_alone_and_the_next_append_starts_a_fresh_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let sent = line(&entry("https://a", OutcomeKind::Sent, Some(50)));
        // A crash cut the second entry short.
        let torn = &line(&entry("https://a", OutcomeKind::Sent, Some(60)))[..40];
        std::fs::write(&path, format!("{sent}\n{torn}")).unwrap();
        let journal = Journal::new(dir.path());
        journal
            .append(&entry("https://a", OutcomeKind::Quota, Some(112)))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[1], torn);
        let h = journal.send_history("https://a", None).unwrap();
        assert!(h.blocked.is_some(), "the entry after the torn line counts");
        assert_eq!(h.last_quota.unwrap().quota.unwrap().used, Some(112));
        assert_eq!(h.notes.len(), 1, "{:?}", h.notes);
        assert!(h.notes[0].contains("journal.jsonl:2"), "{:?}", h.notes);
        assert!(h.notes[0].contains("skipped"), "{:?}", h.notes);
    }

    #[test]
    fn an_entry_glued_to_a_torn_line_is_still_read() {
        // What an append right after a torn line left before appends began on a fresh line.
        let dir = tempfile::tempdir().unwrap();
        let sent = line(&entry("https://a", OutcomeKind::Sent, Some(50)));
        let torn = &line(&entry("https://a", OutcomeKind::Sent, Some(60)))[..70];
        let quota = line(&entry("https://a", OutcomeKind::Quota, Some(112)));
        std::fs::write(
            dir.path().join("journal.jsonl"),
            format!("{sent}\n{torn}{quota}\n\n"),
        )
        .unwrap();
        let h = Journal::new(dir.path())
            .send_history("https://a", None)
            .unwrap();
        assert!(h.blocked.is_some());
        assert_eq!(h.last_quota.unwrap().quota.unwrap().used, Some(112));
        assert_eq!(h.notes.len(), 1, "{:?}", h.notes);
        assert!(
            h.notes[0].contains("read the entry after it"),
            "{:?}",
            h.notes
        );
    }

    #[test]
    fn an_empty_or_whole_journal_gets_no_extra_line() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        journal
            .append(&entry("https://a", OutcomeKind::Sent, Some(1)))
            .unwrap();
        let again = Journal::new(dir.path());
        again
            .append(&entry("https://a", OutcomeKind::Sent, Some(2)))
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains("\n\n"));
    }

    #[test]
    fn history_keeps_the_newest_figures_for_the_same_api() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        assert!(journal
            .send_history("https://a", None)
            .unwrap()
            .last_quota
            .is_none());
        journal
            .append(&entry("https://a", OutcomeKind::Sent, Some(50)))
            .unwrap();
        journal
            .append(&entry("https://b", OutcomeKind::Sent, Some(90)))
            .unwrap();
        journal
            .append(&entry("https://a", OutcomeKind::Quota, Some(112)))
            .unwrap();
        let h = journal.send_history("https://a", None).unwrap();
        assert_eq!(h.last_quota.unwrap().quota.unwrap().used, Some(112));
        assert!(h.blocked.is_some());
        journal
            .append(&entry("https://a", OutcomeKind::Sent, None))
            .unwrap();
        let h = journal.send_history("https://a", None).unwrap();
        assert!(h.blocked.is_none(), "a later send clears the block");
        assert!(journal
            .send_history("https://a", Some("t"))
            .unwrap()
            .last_quota
            .is_none());
    }

    #[test]
    fn a_key_accepted_many_sends_ago_in_the_same_run_is_still_a_replay() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let accept = |key: &str, id: &str| {
            let replay = journal.replay("https://a", None, key, Some("d"), Some(id));
            let mut line = entry("https://a", OutcomeKind::Sent, None);
            line.idempotency_key = Some(key.into());
            line.id = Some(id.into());
            line.incident_digest = Some("d".into());
            line.replayed = Some(replay.replayed());
            journal.append(&line).unwrap();
            replay
        };
        // More keys than the run keeps exactly: the first ones are only in the filter.
        for i in 0..10_000 {
            assert!(!accept(&format!("key-{i}"), &format!("id-{i}")).replayed());
        }
        assert!(matches!(accept("key-0", "id-0"), Replay::Same));
        assert!(matches!(accept("key-9999", "id-9999"), Replay::Same));
        assert!(matches!(accept("key-1", "id-other"), Replay::First));
        assert!(!accept("key-new", "id-new").replayed());
    }
}
