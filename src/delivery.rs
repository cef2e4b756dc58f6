//! Delivers one composed email: the API call, the journal line, and the store when it
//! fails. It prints nothing: what happened comes back as a `Delivered` for the report.
//! Shared by `send` and `outbox flush`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::api::{Client, Exchange, Outcome};
use crate::exit::Exit;
use crate::outcome::Origin;
use crate::pipeline::Ready;
use crate::store::{Destination, Entry, EntryId, JournalEntry, Pending, Replay, Request, Store};

/// One request to make: the exact body and what the output says about it.
#[derive(Debug, Clone)]
pub struct Job {
    pub number: usize,
    pub origin: Origin,
    pub label: String,
    pub key: String,
    /// The exact JSON body POSTed.
    pub body: Box<RawValue>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The stored entry this request was read from (`outbox flush`).
    pub entry: Option<EntryId>,
    /// The digest of the incident's fields, journaled when the email is accepted.
    pub digest: Option<String>,
    /// The incident's conversation, journaled for `status`.
    pub conversation: Option<String>,
}

impl Job {
    /// The request of a composed email.
    pub fn composed(ready: Ready) -> serde_json::Result<Job> {
        Ok(Job {
            body: ready.raw()?,
            number: ready.number,
            origin: ready.origin,
            label: ready.email.label,
            key: ready.email.body.idempotency_key,
            to: Some(ready.email.body.to),
            subject: Some(ready.email.body.subject),
            entry: None,
            digest: Some(ready.email.incident_digest),
            conversation: ready.email.body.metadata.conversation_id,
        })
    }

    /// The request kept in the store as `entry`, to be sent again.
    pub fn from_entry(number: usize, id: EntryId, entry: Entry) -> Job {
        let conversation = conversation_of(&entry.body);
        Job {
            number,
            origin: Origin::Outbox(entry.id.clone()),
            label: entry
                .label
                .clone()
                .or_else(|| entry.subject.clone())
                .unwrap_or_else(|| entry.id.clone()),
            key: entry.idempotency_key,
            body: entry.body,
            to: entry.to,
            subject: entry.subject,
            entry: Some(id),
            digest: entry.incident_digest,
            conversation,
        }
    }
}

impl Job {
    /// The same incident as the email accepted under `key` with `body`, to `to` under the
    /// key `<key>-fallback`: what goes when that email bounced.
    pub fn fallback(key: &str, body: &RawValue, to: &str) -> serde_json::Result<Job> {
        let mut value: serde_json::Value = serde_json::from_str(body.get())?;
        let fallback_key = format!("{key}-fallback");
        value["to"] = to.into();
        value["idempotencyKey"] = fallback_key.clone().into();
        let subject = value["subject"].as_str().map(str::to_string);
        let body = serde_json::value::to_raw_value(&value)?;
        Ok(Job {
            number: 1,
            origin: Origin::Input(format!("fallback of {key}")),
            label: format!("fallback of {key}"),
            key: fallback_key,
            conversation: conversation_of(&body),
            body,
            to: Some(to.to_string()),
            subject,
            entry: None,
            digest: None,
        })
    }
}

/// `metadata.conversationId` of a kept body.
fn conversation_of(body: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Body {
        metadata: Option<Metadata>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Metadata {
        conversation_id: Option<String>,
    }
    serde_json::from_str::<Body>(body.get())
        .ok()?
        .metadata?
        .conversation_id
}

/// Why a job held after a failure that halts the run was not sent.
pub const HELD: &str = "not sent: an earlier request of this run failed the same way";

/// What became of one job.
#[derive(Debug)]
pub struct Delivered {
    /// The API's answer; none when the job was held without a request because an earlier
    /// failure of the run means it would fail the same way.
    pub exchange: Option<Exchange>,
    /// For an accepted send: whether it replayed an earlier email.
    pub replay: Replay,
    /// Where a request that did not go through was kept.
    pub kept: Kept,
    /// Advisory writes that failed (the journal line, clearing a settled entry).
    pub warnings: Vec<String>,
}

impl Delivered {
    /// The exit code of this job alone.
    pub fn exit(&self) -> Exit {
        if let Kept::NotSaved(_, exit) = self.kept {
            return exit;
        }
        match &self.exchange {
            None => Exit::TempFail,
            Some(e) => match e.outcome {
                Outcome::Accepted { .. } => Exit::Ok,
                _ => e.outcome.exit(),
            },
        }
    }
}

/// Where a request that did not go through is.
#[derive(Debug)]
pub enum Kept {
    /// It went through: nothing to keep.
    Delivered,
    /// Saved under this id (the outbox, or `failed/` for a final refusal).
    Saved(EntryId),
    /// It came from the store and stays there as it was (held after a halt).
    Unchanged(EntryId),
    /// Not saved: keeping is off (`--no-outbox`).
    Off,
    /// Saving it failed: the incident is NOT kept. Why, and the exit code: 75 when the
    /// store could not be reached (run again once it is back), else 74.
    NotSaved(String, Exit),
}

impl Kept {
    /// Whether the request went through.
    pub fn is_delivered(&self) -> bool {
        matches!(self, Kept::Delivered)
    }
}

/// Makes requests and keeps what fails; latches when a failure means every further request
/// of this run would fail the same way (network down after the full retry budget, quota
/// block, auth, redirect).
pub struct Deliverer {
    client: Arc<Client>,
    store: Arc<Store>,
    /// Whether requests that fail are kept (`--no-outbox` turns it off).
    keep: bool,
    destination: Destination,
    /// Whether a failure that every further request would meet holds the rest (a run
    /// does; a server, which goes on for days, tries each request on its own).
    halting: bool,
    /// Whether a copy of each accepted body is kept (for a fallback after a bounce).
    archiving: bool,
    halted: AtomicBool,
}

impl Deliverer {
    pub fn new(
        client: Arc<Client>,
        store: Arc<Store>,
        keep: bool,
        destination: Destination,
    ) -> Deliverer {
        Deliverer {
            client,
            store,
            keep,
            destination,
            halting: true,
            archiving: false,
            halted: AtomicBool::new(false),
        }
    }

    /// A deliverer that keeps a copy of each body MailingCore accepts.
    pub fn archiving(self, archiving: bool) -> Deliverer {
        Deliverer { archiving, ..self }
    }

    /// A deliverer that never holds a request because of an earlier one's failure.
    pub fn without_halting(self) -> Deliverer {
        Deliverer {
            halting: false,
            ..self
        }
    }

    /// The store it keeps failed requests in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub async fn deliver(&self, job: &Job) -> Delivered {
        let mut warnings = Vec::new();
        if self.halted.load(Ordering::Relaxed) {
            let kept = match &job.entry {
                // Already in the store: leave the entry and its last error as they are.
                Some(entry) => Kept::Unchanged(entry.clone()),
                None => self.keep(job, None, Some(HELD.into()), None, false, &mut warnings),
            };
            return Delivered {
                exchange: None,
                replay: Replay::First,
                kept,
                warnings,
            };
        }
        let exchange = self.client.send(job.body.get().as_bytes()).await;
        let replay = match &exchange.outcome {
            Outcome::Accepted { id, .. } => self.store.replay(
                &self.destination,
                &job.key,
                job.digest.as_deref(),
                id.as_deref(),
            ),
            _ => Replay::First,
        };
        self.journal(job, &exchange, &replay, &mut warnings);
        let kept = match &exchange.outcome {
            Outcome::Accepted { .. } => {
                let settled = match &job.entry {
                    Some(entry) => self.store.remove(entry),
                    None => self.store.settle(&job.key),
                };
                if let Err(e) = settled {
                    warnings.push(format!("{e:#}"));
                }
                // A different incident under a used key was not sent: the copy stays the
                // one of the email that was.
                if self.archiving && !matches!(replay, Replay::Different(_)) {
                    if let Err(e) = self.store.keep_sent(&job.key, &job.body) {
                        warnings.push(format!("{e:#}"));
                    }
                }
                Kept::Delivered
            }
            outcome => {
                if matches!(
                    outcome,
                    Outcome::Auth(_)
                        | Outcome::Redirect { .. }
                        | Outcome::NeedsTenant(_)
                        | Outcome::QuotaBlocked(_)
                        | Outcome::Transient { .. }
                ) && self.halting
                {
                    self.halted.store(true, Ordering::Relaxed);
                }
                let refused = outcome.exit() == Exit::Unavailable;
                self.keep(
                    job,
                    Some(exchange.attempts),
                    outcome.error(),
                    outcome.http(),
                    refused,
                    &mut warnings,
                )
            }
        };
        Delivered {
            exchange: Some(exchange),
            replay,
            kept,
            warnings,
        }
    }

    /// Keep a request that is still being tried in the outbox, with why: once an answer
    /// cannot wait for it, the incident must not be in memory only.
    pub fn defer(&self, job: &Job, reason: &str) -> Kept {
        let mut warnings = Vec::new();
        self.keep(job, None, Some(reason.into()), None, false, &mut warnings)
    }

    /// Save a request that did not go through: `failed/` for a final refusal, the outbox
    /// otherwise.
    fn keep(
        &self,
        job: &Job,
        attempts: Option<u32>,
        error: Option<String>,
        http: Option<u16>,
        refused: bool,
        warnings: &mut Vec<String>,
    ) -> Kept {
        if !self.keep {
            return Kept::Off;
        }
        let origin = job.origin.to_string();
        let pending = Pending {
            key: &job.key,
            body: &job.body,
            attempts: attempts.unwrap_or(0),
            error,
            http,
            origin: Some(&origin),
            label: Some(&job.label),
            digest: job.digest.as_deref(),
            destination: &self.destination,
        };
        let stored = if refused {
            let stored = self.store.reject(pending);
            if let (Ok(_), Some(entry)) = (&stored, &job.entry) {
                if let Err(e) = self.store.remove(entry) {
                    warnings.push(format!("{e:#}"));
                }
            }
            stored
        } else {
            self.store.defer(pending)
        };
        match stored {
            Ok(id) => Kept::Saved(id),
            Err(e) => {
                let exit = match crate::exit::classify(&e).0 {
                    Exit::TempFail => Exit::TempFail,
                    _ => Exit::IoErr,
                };
                Kept::NotSaved(format!("{e:#}"), exit)
            }
        }
    }

    fn journal(&self, job: &Job, exchange: &Exchange, replay: &Replay, warnings: &mut Vec<String>) {
        let mut entry = JournalEntry::of(
            Request::Send,
            &self.destination.base_url,
            self.destination.tenant_id.as_deref(),
            Some(&job.key),
            exchange,
        );
        entry.incident_digest = job.digest.clone();
        entry.conversation_id = job.conversation.clone();
        if let Outcome::Accepted { .. } = exchange.outcome {
            entry.replayed = Some(replay.replayed());
        }
        if let Err(e) = self.store.append(&entry) {
            warnings.push(format!("{e:#}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    use super::*;
    use crate::api::RetryPolicy;
    use crate::secret::ApiKey;
    use crate::store::Folder;

    /// A loopback server answering each request with the next `(status, body)`; sends
    /// the bodies it received back on the channel.
    fn server(answers: Vec<(u16, &'static str)>) -> (String, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut answers = answers.into_iter();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let mut length = 0;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    if line != "\r\n" {
                        break;
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let _ = tx.send(String::from_utf8(body).unwrap());
                    let Some((status, text)) = answers.next() else {
                        return;
                    };
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    writer.write_all(reply.as_bytes()).unwrap();
                }
            }
        });
        (url, rx)
    }

    fn client(url: &str) -> Client {
        let policy = RetryPolicy {
            retries: 0,
            max_time: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            backoff: Duration::from_millis(1),
            rate_limit_waits: 0,
        };
        Client::new(
            url,
            ApiKey::new("mc_test_0123456789abcdefghijklmn".into()),
            None,
            policy,
        )
        .unwrap()
    }

    fn job(number: usize, key: &str) -> Job {
        let body = format!(
            r#"{{"to":"help@example.com","subject":"S {number}","idempotencyKey":"{key}"}}"#
        );
        Job {
            number,
            origin: Origin::Input(format!("in.json:{number}")),
            label: format!("incident {number}"),
            key: key.into(),
            body: RawValue::from_string(body).unwrap(),
            to: Some("help@example.com".into()),
            subject: Some(format!("S {number}")),
            entry: None,
            digest: Some(format!("d{number}")),
            conversation: None,
        }
    }

    fn destination(url: &str) -> Destination {
        Destination {
            base_url: url.into(),
            tenant_id: None,
            profile: None,
        }
    }

    fn block<T>(future: impl std::future::Future<Output = T>) -> T {
        crate::tests_runtime().block_on(future)
    }

    const ACCEPTED: &str = r#"{"id":"log1","status":"QUEUED"}"#;

    #[test]
    fn an_accepted_send_is_journaled_settles_its_pending_entry_and_posts_the_exact_body() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::in_dir(dir.path()));
        let (url, bodies) = server(vec![(503, "{}"), (201, ACCEPTED)]);
        let client = Arc::new(client(&url));
        // An earlier run kept the first attempt.
        let first = Deliverer::new(client.clone(), store.clone(), true, destination(&url));
        let kept = block(first.deliver(&job(1, "k-1")));
        let Kept::Saved(id) = &kept.kept else {
            panic!("kept {:?}", kept.kept)
        };
        assert_eq!(id.folder, Folder::Pending);
        assert_eq!(kept.exit(), Exit::TempFail);
        let stored = store.get(id).unwrap();
        assert_eq!(stored.body.get(), job(1, "k-1").body.get());
        // The next run sends it: accepted, journaled, the pending entry gone.
        let next = Deliverer::new(client.clone(), store.clone(), true, destination(&url));
        let sent = block(next.deliver(&job(1, "k-1")));
        assert!(matches!(sent.kept, Kept::Delivered), "{:?}", sent.kept);
        assert_eq!(sent.exit(), Exit::Ok);
        assert!(sent.warnings.is_empty(), "{:?}", sent.warnings);
        assert_eq!(store.count(Folder::Pending).unwrap(), 0);
        let posted: Vec<String> = bodies.try_iter().collect();
        assert_eq!(posted, vec![job(1, "k-1").body.get().to_string(); 2]);
        let journal = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
        assert_eq!(journal.lines().count(), 2, "{journal}");
        assert!(
            journal
                .lines()
                .last()
                .unwrap()
                .contains(r#""outcome":"sent""#),
            "{journal}"
        );
    }

    #[test]
    fn after_a_failure_that_would_repeat_the_rest_are_held_without_a_request() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::in_dir(dir.path()));
        let (url, bodies) = server(vec![(401, r#"{"message":"bad key"}"#)]);
        let client = Arc::new(client(&url));
        let deliverer = Deliverer::new(client.clone(), store.clone(), true, destination(&url));
        let refused = block(deliverer.deliver(&job(1, "k-1")));
        assert_eq!(refused.exit(), Exit::NoPerm);
        let held = block(deliverer.deliver(&job(2, "k-2")));
        assert!(held.exchange.is_none());
        assert!(matches!(held.kept, Kept::Saved(_)), "{:?}", held.kept);
        assert_eq!(held.exit(), Exit::TempFail);
        assert_eq!(bodies.try_iter().count(), 1, "one request only");
        assert_eq!(store.count(Folder::Pending).unwrap(), 2);
    }

    #[test]
    fn a_final_refusal_goes_to_failed_and_nothing_is_kept_with_keeping_off() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::in_dir(dir.path()));
        let (url, _bodies) = server(vec![(422, r#"{"message":"bad to"}"#), (422, "{}")]);
        let client = Arc::new(client(&url));
        let keeping = Deliverer::new(client.clone(), store.clone(), true, destination(&url));
        let refused = block(keeping.deliver(&job(1, "k-1")));
        let Kept::Saved(id) = &refused.kept else {
            panic!("kept {:?}", refused.kept)
        };
        assert_eq!(id.folder, Folder::Failed);
        assert_eq!(refused.exit(), Exit::Unavailable);
        let off = Deliverer::new(client.clone(), store.clone(), false, destination(&url));
        let dropped = block(off.deliver(&job(2, "k-2")));
        assert!(matches!(dropped.kept, Kept::Off), "{:?}", dropped.kept);
        assert_eq!(store.count(Folder::Failed).unwrap(), 1);
        assert_eq!(store.count(Folder::Pending).unwrap(), 0);
    }

    #[test]
    fn a_store_that_cannot_be_written_turns_the_exit_into_74() {
        let dir = tempfile::tempdir().unwrap();
        // The state directory is a file: nothing can be created under it.
        let state = dir.path().join("state");
        std::fs::write(&state, "").unwrap();
        let store = Arc::new(Store::in_dir(&state));
        let (url, _bodies) = server(vec![(503, "{}")]);
        let client = Arc::new(client(&url));
        let deliverer = Deliverer::new(client.clone(), store.clone(), true, destination(&url));
        let failed = block(deliverer.deliver(&job(1, "k-1")));
        assert!(
            matches!(failed.kept, Kept::NotSaved(..)),
            "{:?}",
            failed.kept
        );
        assert_eq!(failed.exit(), Exit::IoErr);
        assert_eq!(
            failed.warnings.len(),
            1,
            "the journal line: {:?}",
            failed.warnings
        );
    }
}
