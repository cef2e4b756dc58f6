//! The request body of `POST /emails/send`, composed from an incident and the settings.

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::address;
use crate::config::EmailSettings;
use crate::exit::{Exit, Failure};
use crate::incident::{fold_line, Incident};
use crate::template::Renderer;

/// `--idempotency-key`: a key that is blank or holds a line break or another control
/// character would not name one send (an empty key deduplicates nothing).
pub fn idempotency_key_arg(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err("the idempotency key is empty".into());
    }
    if value.chars().any(char::is_control) {
        return Err("the idempotency key holds a line break or another control character".into());
    }
    if value.trim() != value {
        return Err("the idempotency key starts or ends with whitespace".into());
    }
    Ok(value.to_string())
}

/// MailingCore's documented limit on the subject.
pub const MAX_SUBJECT_CHARS: usize = 998;

/// The JSON body, field for field as in the vendor's guide. Absent values are omitted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SendBody {
    pub to: String,
    pub subject: String,
    pub html_body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<String>,
    pub metadata: Metadata,
    pub idempotency_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_code: Option<String>,
    pub locale: String,
}

/// An email ready to send, with what the output says about it.
#[derive(Debug, Clone)]
pub struct Email {
    pub body: SendBody,
    pub label: String,
    /// The digest of the incident's own fields, recorded when the email is accepted so
    /// that a key reused for a different incident can be told from a replay.
    pub incident_digest: String,
}

/// Why a record could not become an email.
#[derive(Debug)]
pub enum ComposeError {
    /// The record's data is at fault (65); the run goes on.
    Invalid(String),
    /// The templates or settings are at fault; the run stops.
    Fatal(anyhow::Error),
}

/// Everything that turns incidents into emails, checked once per run.
pub struct Composer {
    renderer: Renderer,
    to: String,
    from_email: Option<String>,
    from_name: Option<String>,
    reply_to: Option<String>,
    tags: Vec<String>,
    source: String,
    subject: Option<String>,
    template_version_id: Option<String>,
    key_pattern: Option<String>,
    fixed_key: Option<String>,
}

impl Composer {
    pub fn new(email: &EmailSettings) -> Result<Composer> {
        let Some(to) = email.to.as_deref().filter(|t| !t.trim().is_empty()) else {
            return Err(Failure::new(Exit::Config, "no helpdesk address to send to")
                .hint("give --to ADDRESS, set MCNOTIFY_TO, or put `to = \"helpdesk@example.com\"` in the config file")
                .into());
        };
        let check = |what: &str, value: &Option<String>| -> Result<Option<String>> {
            value
                .as_deref()
                .map(|v| {
                    address::parse(v)
                        .map_err(|e| Failure::new(Exit::Config, format!("{what} {e}")).into())
                })
                .transpose()
        };
        let to = address::parse(to).map_err(|e| Failure::new(Exit::Config, format!("--to {e}")))?;
        if let Some(pattern) = &email.idempotency_pattern {
            check_pattern(pattern)?;
        }
        Ok(Composer {
            renderer: Renderer::new(email.template_dir.as_deref(), email.locale.as_deref())?,
            to,
            from_email: check("--from-email", &email.from_email)?,
            reply_to: check("--reply-to", &email.reply_to)?,
            from_name: email.from_name.as_deref().map(fold_line),
            tags: email.tags.clone(),
            source: email.source.clone(),
            subject: email.subject.as_deref().map(fold_line),
            template_version_id: email.template_version_id.clone(),
            key_pattern: email.idempotency_pattern.clone(),
            fixed_key: email.idempotency_key.clone(),
        })
    }

    pub fn compose(&self, incident: &Incident) -> Result<Email, ComposeError> {
        incident.validate().map_err(ComposeError::Invalid)?;
        let rendered = self
            .renderer
            .render(incident, &self.to, &self.source)
            .map_err(ComposeError::Fatal)?;
        let subject = self.subject.clone().unwrap_or(rendered.subject);
        let chars = subject.chars().count();
        if chars > MAX_SUBJECT_CHARS {
            return Err(ComposeError::Invalid(format!(
                "the subject is {chars} characters long; MailingCore takes at most {MAX_SUBJECT_CHARS}"
            )));
        }
        let idempotency_key = self
            .idempotency_key(incident)
            .map_err(ComposeError::Invalid)?;
        let contact = incident
            .contact_email
            .as_deref()
            .map(|c| c.trim().to_string());
        Ok(Email {
            label: incident.label(),
            // What the incident says, not the rendered email or the settings: a new
            // template, subject or recipient does not make it another incident.
            incident_digest: incident.digest(""),
            body: SendBody {
                to: self.to.clone(),
                subject,
                html_body: rendered.html,
                text_body: Some(rendered.text),
                reply_to: self.reply_to.clone().or(contact),
                from_email: self.from_email.clone(),
                from_name: self.from_name.clone(),
                tags: self.tags.clone(),
                metadata: Metadata {
                    source: self.source.clone(),
                    conversation_id: incident.conversation_id.clone(),
                    incident_code: incident.code.clone(),
                    locale: rendered.locale,
                },
                idempotency_key,
                template_version_id: self.template_version_id.clone(),
            },
        })
    }

    /// `--idempotency-key`, else the configured pattern, else the guide's
    /// `botpress-<conversationId>-incident`, else `incident-<digest>`.
    fn idempotency_key(&self, incident: &Incident) -> Result<String, String> {
        if let Some(key) = &self.fixed_key {
            return Ok(key.clone());
        }
        if let Some(pattern) = &self.key_pattern {
            return expand_pattern(pattern, incident, &self.to);
        }
        Ok(match &incident.conversation_id {
            Some(conv) => format!("botpress-{conv}-incident"),
            None => format!("incident-{}", incident.digest(&self.to)),
        })
    }
}

const PLACEHOLDERS: [&str; 10] = [
    "code",
    "type",
    "location",
    "description",
    "contactEmail",
    "contactName",
    "conversationId",
    "userId",
    "locale",
    "digest",
];

fn placeholders(pattern: &str) -> impl Iterator<Item = &str> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

fn check_pattern(pattern: &str) -> Result<()> {
    for name in placeholders(pattern) {
        if !PLACEHOLDERS.contains(&name) {
            return Err(Failure::new(
                Exit::Config,
                format!(
                    "idempotency_key pattern {pattern:?} has an unknown placeholder {{{name}}}"
                ),
            )
            .hint(format!("placeholders: {{{}}}", PLACEHOLDERS.join("}, {")))
            .into());
        }
    }
    Ok(())
}

fn expand_pattern(pattern: &str, incident: &Incident, to: &str) -> Result<String, String> {
    let mut key = pattern.to_string();
    for name in placeholders(pattern) {
        let value = if name == "digest" {
            incident.digest(to)
        } else {
            incident
                .placeholder(name)
                .map(str::to_string)
                .ok_or_else(|| {
                    format!("the idempotency key pattern needs {{{name}}}, which this record lacks")
                })?
        };
        key = key.replace(&format!("{{{name}}}"), &value);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> EmailSettings {
        EmailSettings {
            to: Some("helpdesk@example.com".into()),
            from_email: Some("bot@example.com".into()),
            from_name: Some("Virtual assistant".into()),
            reply_to: None,
            tags: vec!["botpress".into(), "helpdesk".into(), "incident".into()],
            source: "botpress".into(),
            locale: None,
            subject: None,
            template_dir: None,
            template_version_id: None,
            idempotency_pattern: None,
            idempotency_key: None,
        }
    }

    fn incident() -> Incident {
        Incident {
            code: Some("5859".into()),
            incident_type: Some("hardware".into()),
            location: Some("Albacenter Mall".into()),
            description: Some("Card reader broken".into()),
            contact_email: Some("ana@example.com".into()),
            conversation_id: Some("conv_abc123".into()),
            ..Incident::default()
        }
    }

    #[test]
    fn the_guides_example_comes_out_field_for_field() {
        let email = Composer::new(&settings())
            .unwrap()
            .compose(&incident())
            .unwrap();
        let mut body = serde_json::to_value(&email.body).unwrap();
        let obj = body.as_object_mut().unwrap();
        obj.remove("htmlBody");
        obj.remove("textBody");
        assert_eq!(
            body,
            serde_json::json!({
                "to": "helpdesk@example.com",
                "subject": "[Incident] Code 5859 — Albacenter Mall",
                "replyTo": "ana@example.com",
                "fromEmail": "bot@example.com",
                "fromName": "Virtual assistant",
                "tags": ["botpress", "helpdesk", "incident"],
                "metadata": {"source": "botpress", "conversationId": "conv_abc123",
                             "incidentCode": "5859", "locale": "en"},
                "idempotencyKey": "botpress-conv_abc123-incident"
            })
        );
    }

    #[test]
    fn key_pattern_expands_and_names_missing_values() {
        let mut s = settings();
        s.idempotency_pattern = Some("botpress-{conversationId}-{code}".into());
        let c = Composer::new(&s).unwrap();
        assert_eq!(
            c.compose(&incident()).unwrap().body.idempotency_key,
            "botpress-conv_abc123-5859"
        );
        let mut i = incident();
        i.code = None;
        let Err(ComposeError::Invalid(msg)) = c.compose(&i) else {
            panic!()
        };
        assert!(msg.contains("{code}"), "{msg}");
        s.idempotency_pattern = Some("x-{nope}".into());
        assert!(Composer::new(&s).is_err());
    }

    #[test]
    fn no_conversation_means_a_digest_key_and_long_subjects_are_refused() {
        let mut i = incident();
        i.conversation_id = None;
        let c = Composer::new(&settings()).unwrap();
        let key = c.compose(&i).unwrap().body.idempotency_key;
        assert!(key.starts_with("incident-") && key.len() == 41, "{key}");
        i.location = Some("x".repeat(1000));
        assert!(matches!(c.compose(&i), Err(ComposeError::Invalid(_))));
    }
}
