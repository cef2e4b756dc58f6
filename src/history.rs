//! What the journal knows of one incident, for `status`: its emails (found by idempotency
//! key, delivery id or conversation id), when each was accepted, and its delivery events.

use serde::Serialize;

use crate::api::OutcomeKind;
use crate::event::describe;
use crate::store::{JournalEntry, Request};

/// One email MailingCore accepted, with what it reported of it since.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Email {
    pub idempotency_key: String,
    pub id: Option<String>,
    pub accepted_at: String,
    pub events: Vec<Delivery>,
}

/// One delivery event of an email.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounce_type: Option<String>,
    /// When it happened (MailingCore's time), else when it was received.
    pub at: String,
}

/// A key that was tried and never accepted: its last attempt.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub idempotency_key: String,
    pub outcome: OutcomeKind,
    pub at: String,
    pub error: Option<String>,
}

/// Everything known of a query.
#[derive(Debug, Default)]
pub struct History {
    pub emails: Vec<Email>,
    pub pending: Vec<Pending>,
}

/// The state of an email in a word: its latest event, or `accepted`.
impl Email {
    pub fn state(&self) -> String {
        self.events
            .last()
            .map(|e| describe(&e.kind, e.bounce_type.as_deref()))
            .unwrap_or_else(|| "accepted".into())
    }

    /// Its latest event says it did not arrive (a bounce, a failure).
    pub fn undelivered(&self) -> bool {
        self.events
            .last()
            .is_some_and(|e| e.kind == "email.bounced" || e.kind == "email.failed")
    }
}

/// Reads journal entries in order and keeps those of `query`.
pub struct Finder<'q> {
    query: &'q str,
    /// The key the guide's default pattern gives a conversation.
    conversation_key: String,
    /// The key of the fallback of the email the query names.
    fallback_key: String,
    /// The key of the fallback of the conversation's email.
    conversation_fallback: String,
    history: History,
}

impl<'q> Finder<'q> {
    pub fn new(query: &'q str) -> Finder<'q> {
        Finder {
            query,
            conversation_key: format!("botpress-{query}-incident"),
            fallback_key: format!("{query}-fallback"),
            conversation_fallback: format!("botpress-{query}-incident-fallback"),
            history: History::default(),
        }
    }

    /// The query, and the idempotency keys a send of it may have been made under.
    pub fn wanted(&self) -> (String, [String; 3]) {
        (
            self.query.to_string(),
            [
                self.conversation_key.clone(),
                self.fallback_key.clone(),
                self.conversation_fallback.clone(),
            ],
        )
    }

    fn matches(&self, entry: &JournalEntry) -> bool {
        let q = Some(self.query);
        entry.idempotency_key.as_deref() == q
            || entry.id.as_deref() == q
            || entry.conversation_id.as_deref() == q
            || entry.idempotency_key.as_deref() == Some(self.conversation_key.as_str())
            || entry.idempotency_key.as_deref() == Some(self.fallback_key.as_str())
            || entry.idempotency_key.as_deref() == Some(self.conversation_fallback.as_str())
    }

    pub fn read(&mut self, entry: JournalEntry) {
        match entry.request {
            Request::Send if self.matches(&entry) => self.send(entry),
            Request::Event => self.event(entry),
            _ => {}
        }
    }

    fn send(&mut self, entry: JournalEntry) {
        let Some(key) = entry.idempotency_key.clone() else {
            return;
        };
        let history = &mut self.history;
        if entry.outcome != OutcomeKind::Sent {
            if !history.emails.iter().any(|e| e.idempotency_key == key) {
                history.pending.retain(|p| p.idempotency_key != key);
                history.pending.push(Pending {
                    idempotency_key: key,
                    outcome: entry.outcome,
                    at: entry.time,
                    error: entry.error,
                });
            }
            return;
        }
        history.pending.retain(|p| p.idempotency_key != key);
        // A replay answers with the email accepted before: the same email again.
        let known = history
            .emails
            .iter()
            .any(|e| e.idempotency_key == key && e.id == entry.id);
        if !known {
            history.emails.push(Email {
                idempotency_key: key,
                id: entry.id,
                accepted_at: entry.time,
                events: Vec::new(),
            });
        }
    }

    fn event(&mut self, entry: JournalEntry) {
        let (Some(id), Some(event)) = (entry.id, entry.event) else {
            return;
        };
        for email in &mut self.history.emails {
            if email.id.as_deref() == Some(id.as_str()) {
                email.events.push(Delivery {
                    kind: event.kind.clone(),
                    bounce_type: event.bounce_type.clone(),
                    at: event
                        .occurred_at
                        .clone()
                        .unwrap_or_else(|| entry.time.clone()),
                });
            }
        }
    }

    pub fn finish(self) -> History {
        self.history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(json: serde_json::Value) -> JournalEntry {
        serde_json::from_value(json).unwrap()
    }

    fn send(key: &str, outcome: &str, id: Option<&str>, conv: Option<&str>) -> JournalEntry {
        line(serde_json::json!({
            "time": "2026-12-03T03:02:01Z", "baseUrl": "http://api", "tenantId": null,
            "request": "send", "idempotencyKey": key, "outcome": outcome, "http": 201,
            "id": id, "status": null, "quota": null, "rateLimit": null, "error": null,
            "conversationId": conv,
        }))
    }

    fn event(id: &str, evt: &str, kind: &str, bounce: Option<&str>) -> JournalEntry {
        line(serde_json::json!({
            "time": "2026-12-03T03:02:09Z", "baseUrl": "http://api", "tenantId": null,
            "request": "event", "idempotencyKey": null, "outcome": "event", "http": null,
            "id": id, "status": kind, "quota": null, "rateLimit": null, "error": null,
            "event": {"id": evt, "type": kind, "bounceType": bounce, "occurredAt": "2026-12-03T03:02:07Z"},
        }))
    }

    #[test]
    fn an_email_is_found_by_key_id_or_conversation_with_its_events() {
        let journal = [
            send("botpress-c1-incident", "transient", None, Some("c1")),
            send("botpress-c1-incident", "sent", Some("log1"), Some("c1")),
            send("botpress-c1-incident", "sent", Some("log1"), Some("c1")),
            event("log1", "evt1", "email.delivered", None),
            send("other", "sent", Some("log2"), None),
            event("log2", "evt2", "email.bounced", Some("hard")),
        ];
        for query in ["botpress-c1-incident", "log1", "c1"] {
            let mut finder = Finder::new(query);
            journal.iter().cloned().for_each(|e| finder.read(e));
            let history = finder.finish();
            assert_eq!(
                history.emails.len(),
                1,
                "{query}: one email, the replay is the same"
            );
            assert!(history.pending.is_empty());
            let email = &history.emails[0];
            assert_eq!(email.id.as_deref(), Some("log1"));
            assert_eq!(email.state(), "delivered");
            assert!(!email.undelivered());
        }
        let mut finder = Finder::new("log2");
        journal.iter().cloned().for_each(|e| finder.read(e));
        let history = finder.finish();
        assert_eq!(history.emails[0].state(), "bounced (hard)");
        assert!(history.emails[0].undelivered());
        let mut finder = Finder::new("nothing");
        journal.iter().cloned().for_each(|e| finder.read(e));
        let history = finder.finish();
        assert!(history.emails.is_empty() && history.pending.is_empty());
    }

    #[test]
    fn a_key_never_accepted_is_pending_with_its_last_attempt() {
        let mut finder = Finder::new("k");
        finder.read(send("k", "transient", None, None));
        finder.read(send("k", "quota", None, None));
        let history = finder.finish();
        assert!(history.emails.is_empty());
        assert_eq!(history.pending.len(), 1);
        assert_eq!(history.pending[0].outcome, OutcomeKind::Quota);
    }
}
