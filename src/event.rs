//! A delivery event from MailingCore's webhooks (`email.delivered`, `email.bounced`, …):
//! the envelope read from JSON, with the docs' two spellings of the recipient accepted.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The events that say what became of an email, and so are recorded.
pub const RECORDED: [&str; 5] = [
    "email.sent",
    "email.delivered",
    "email.bounced",
    "email.complained",
    "email.failed",
];

/// One event as MailingCore posts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `evt_…`: the same for every redelivery of the event.
    pub id: String,
    /// `email.delivered`, `email.bounced`, …
    pub kind: String,
    pub tenant_id: Option<String>,
    /// The email's id: what `send` printed as `id`.
    pub email_log_id: Option<String>,
    pub to: Option<String>,
    /// For a bounce: `hard` or `soft` (lowercased: the docs spell it both ways).
    pub bounce_type: Option<String>,
    pub diagnostic: Option<String>,
    pub occurred_at: Option<String>,
}

/// What the journal keeps of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
}

impl Event {
    /// The event of a webhook body (already verified); `Err` says what is missing.
    pub fn parse(body: &[u8]) -> Result<Event, String> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
        let id = text(&value, "id").ok_or("the event has no id")?;
        let kind = text(&value, "type").ok_or("the event has no type")?;
        let data = value.get("data").cloned().unwrap_or(Value::Null);
        Ok(Event {
            id,
            kind,
            tenant_id: text(&value, "tenantId"),
            email_log_id: text(&data, "emailLogId"),
            to: text(&data, "to").or_else(|| text(&data, "toEmail")),
            bounce_type: text(&data, "bounceType").map(|t| t.to_ascii_lowercase()),
            diagnostic: text(&data, "diagnostic"),
            occurred_at: text(&data, "occurredAt").or_else(|| text(&value, "createdAt")),
        })
    }

    /// Whether the event is one of those that say what became of an email.
    pub fn is_recorded(&self) -> bool {
        RECORDED.contains(&self.kind.as_str())
    }

    /// A hard bounce or a failure: the email did not arrive and will not.
    pub fn is_undelivered(&self) -> bool {
        match self.kind.as_str() {
            "email.failed" => true,
            "email.bounced" => self.bounce_type.as_deref() != Some("soft"),
            _ => false,
        }
    }

    pub fn record(&self) -> EventRecord {
        EventRecord {
            id: self.id.clone(),
            kind: self.kind.clone(),
            bounce_type: self.bounce_type.clone(),
            occurred_at: self.occurred_at.clone(),
        }
    }
}

/// `delivered`, `bounced (hard)`: an event's kind in a word, for `status`.
pub fn describe(kind: &str, bounce_type: Option<&str>) -> String {
    let word = kind.strip_prefix("email.").unwrap_or(kind);
    match bounce_type {
        Some(t) => format!("{word} ({t})"),
        None => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_the_recipient_and_of_the_bounce_type_are_read() {
        let catalog = br#"{"id":"evt_1","type":"email.bounced","tenantId":"t1","createdAt":"2026-12-03T03:02:07Z",
            "data":{"emailLogId":"clxlog1","to":"helpdesk@example.com","bounceType":"hard","diagnostic":"550 mailbox full"}}"#;
        let guide = br#"{"id":"evt_2","type":"email.bounced","data":{"emailLogId":"clxlog1","toEmail":"helpdesk@example.com","bounceType":"HARD"}}"#;
        let a = Event::parse(catalog).unwrap();
        let b = Event::parse(guide).unwrap();
        assert_eq!(a.to, b.to);
        assert_eq!(a.bounce_type.as_deref(), Some("hard"));
        assert_eq!(b.bounce_type.as_deref(), Some("hard"));
        assert_eq!(a.occurred_at.as_deref(), Some("2026-12-03T03:02:07Z"));
        assert!(a.is_recorded() && a.is_undelivered());
        assert_eq!(
            describe(&a.kind, a.bounce_type.as_deref()),
            "bounced (hard)"
        );
        let soft =
            Event::parse(br#"{"id":"e","type":"email.bounced","data":{"bounceType":"Soft"}}"#)
                .unwrap();
        assert!(!soft.is_undelivered());
        let opened = Event::parse(br#"{"id":"e","type":"email.opened","data":{}}"#).unwrap();
        assert!(!opened.is_recorded());
        assert!(Event::parse(br#"{"type":"email.sent"}"#).is_err());
        assert!(Event::parse(b"not json").is_err());
    }
}
