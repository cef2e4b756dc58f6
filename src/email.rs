//! The request body of `POST /emails/send`, composed from an incident and the settings.

use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::address;
use crate::exit::{Exit, Failure};
use crate::field::Field;
use crate::incident::{fold_line, Incident, Problem};
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

/// What the composer is given: the email settings as config, environment and flags
/// resolve them.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub to: Option<String>,
    pub from_email: Option<String>,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    pub tags: Vec<String>,
    pub source: String,
    pub locale: Option<String>,
    pub subject: Option<String>,
    pub template_dir: Option<PathBuf>,
    pub template_version_id: Option<String>,
    /// Config `idempotency_key`: a pattern with `{field}` placeholders.
    pub idempotency_pattern: Option<String>,
    /// `--idempotency-key`: the one literal key of a single email.
    pub idempotency_key: Option<String>,
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
    Invalid(Problem),
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

    /// Whether every email gets the one key `--idempotency-key` gave.
    pub fn has_fixed_key(&self) -> bool {
        self.fixed_key.is_some()
    }

    pub fn compose(&self, incident: &Incident) -> Result<Email, ComposeError> {
        let contact = incident.validate().map_err(ComposeError::Invalid)?;
        let rendered = self
            .renderer
            .render(incident, &self.to, &self.source)
            .map_err(ComposeError::Fatal)?;
        let subject = self.subject.clone().unwrap_or(rendered.subject);
        let chars = subject.chars().count();
        if chars > MAX_SUBJECT_CHARS {
            return Err(ComposeError::Invalid(Problem::new(format!(
                "the subject is {chars} characters long; MailingCore takes at most {MAX_SUBJECT_CHARS}"
            ))));
        }
        let idempotency_key = self
            .idempotency_key(incident)
            .map_err(|e| ComposeError::Invalid(Problem::new(e)))?;
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
                reply_to: self.reply_to.clone().or(Some(contact)),
                from_email: self.from_email.clone(),
                from_name: self.from_name.clone(),
                tags: self.tags.clone(),
                metadata: Metadata {
                    source: self.source.clone(),
                    conversation_id: incident.get(Field::ConversationId).map(str::to_string),
                    incident_code: incident.get(Field::Code).map(str::to_string),
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
        let key = if let Some(key) = &self.fixed_key {
            key.clone()
        } else if let Some(pattern) = &self.key_pattern {
            expand_pattern(pattern, incident, &self.to)?
        } else {
            match incident.get(Field::ConversationId) {
                Some(conv) => format!("botpress-{conv}-incident"),
                None => format!("incident-{}", incident.digest(&self.to)),
            }
        };
        Ok(bounded_key(key))
    }
}

/// The `{name}`s a key pattern may use: each field's JSON name, then `digest`.
const PLACEHOLDERS: [&str; Field::COUNT + 1] = {
    let mut names = ["digest"; Field::COUNT + 1];
    let mut i = 0;
    while i < Field::COUNT {
        names[i] = Field::ALL[i].json_name();
        i += 1;
    }
    names
};

/// The longest idempotency key sent. A longer key, or one with a character outside
/// printable ASCII, is sent as its printable ASCII prefix, `~` and a digest of the whole.
pub const MAX_KEY_BYTES: usize = 256;

/// One piece of a key pattern: text as written, or a `{name}` placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'p> {
    Text(&'p str),
    Placeholder(&'p str),
}

/// The pattern in pieces, read once from left to right. `{` that does not open a
/// `{name}` (no `}` before the next `{`) is text.
fn pieces(pattern: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(open) = pattern[at..].find('{').map(|i| at + i) {
        let after = &pattern[open + 1..];
        match after.find(['{', '}']) {
            Some(close) if after.as_bytes()[close] == b'}' => {
                if open > text_start {
                    out.push(Piece::Text(&pattern[text_start..open]));
                }
                out.push(Piece::Placeholder(&after[..close]));
                text_start = open + close + 2;
                at = text_start;
            }
            _ => at = open + 1,
        }
    }
    if text_start < pattern.len() {
        out.push(Piece::Text(&pattern[text_start..]));
    }
    out
}

fn check_pattern(pattern: &str) -> Result<()> {
    let pieces = pieces(pattern);
    for piece in &pieces {
        if let Piece::Placeholder(name) = piece {
            if !PLACEHOLDERS.contains(name) {
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
    }
    for pair in pieces.windows(2) {
        if let [Piece::Placeholder(a), Piece::Placeholder(b)] = pair {
            return Err(Failure::new(
                Exit::Config,
                format!(
                    "idempotency_key pattern {pattern:?} has {{{a}}}{{{b}}} with nothing between them, so two incidents could get one key"
                ),
            )
            .hint(format!("put a separator between them: {{{a}}}-{{{b}}}"))
            .into());
        }
    }
    Ok(())
}

/// The characters a value must not hold as they are: `%` (the escape) and each
/// character of the text between two placeholders (the separators).
fn separators(pieces: &[Piece]) -> Vec<char> {
    let mut special = vec!['%'];
    let inner = pieces.len().saturating_sub(1);
    for (i, piece) in pieces.iter().enumerate() {
        let between = i > 0
            && i < inner
            && matches!(pieces[i - 1], Piece::Placeholder(_))
            && matches!(pieces[i + 1], Piece::Placeholder(_));
        if let (true, Piece::Text(text)) = (between, piece) {
            special.extend(text.chars());
        }
    }
    special
}

/// The value with each special character written as `%XX` per UTF-8 byte.
fn escape_value(value: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if special.contains(&c) {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One pass over the pattern: each placeholder is replaced by its value, and a value
/// is never read again for placeholders. With two or more placeholders, values are
/// escaped so that distinct values give distinct keys.
fn expand_pattern(pattern: &str, incident: &Incident, to: &str) -> Result<String, String> {
    let pieces = pieces(pattern);
    let placeholders = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Placeholder(_)))
        .count();
    let special = if placeholders > 1 {
        separators(&pieces)
    } else {
        Vec::new()
    };
    let mut key = String::with_capacity(pattern.len());
    for piece in pieces {
        match piece {
            Piece::Text(text) => key.push_str(text),
            Piece::Placeholder(name) => {
                let value = if name == "digest" {
                    incident.digest(to)
                } else {
                    incident
                        .placeholder(name)
                        .map(str::to_string)
                        .ok_or_else(|| {
                            format!(
                            "the idempotency key pattern needs {{{name}}}, which this record lacks"
                        )
                        })?
                };
                key.push_str(&escape_value(&value, &special));
            }
        }
    }
    Ok(key)
}

/// The key as sent: as made when it is at most 256 bytes of printable ASCII; otherwise
/// its printable ASCII prefix (at most 223 bytes), `~` and 32 hex digits of SHA-256 over
/// the whole key, so that no control character reaches the key and distinct keys stay
/// distinct.
pub fn bounded_key(key: String) -> String {
    let printable = |c: &char| (' '..='~').contains(c);
    if key.len() <= MAX_KEY_BYTES && key.chars().all(|c| printable(&c)) {
        return key;
    }
    let prefix: String = key
        .chars()
        .take_while(printable)
        .take(MAX_KEY_BYTES - 33)
        .collect();
    let hash = Sha256::digest(key.as_bytes());
    format!("{prefix}~{}", hex::encode(&hash[..16]))
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
        let mut incident = crate::incident::sample();
        incident.set(Field::ConversationId, Some("conv_abc123".into()));
        incident
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
        i.set(Field::Code, None);
        let Err(ComposeError::Invalid(msg)) = c.compose(&i) else {
            panic!()
        };
        assert!(msg.message.contains("{code}"), "{msg}");
        s.idempotency_pattern = Some("x-{nope}".into());
        assert!(Composer::new(&s).is_err());
    }

    #[test]
    fn no_conversation_means_a_digest_key_and_long_subjects_are_refused() {
        let mut i = incident();
        i.set(Field::ConversationId, None);
        let c = Composer::new(&settings()).unwrap();
        let key = c.compose(&i).unwrap().body.idempotency_key;
        assert!(key.starts_with("incident-") && key.len() == 41, "{key}");
        i.set(Field::Location, Some("x".repeat(1000)));
        assert!(matches!(c.compose(&i), Err(ComposeError::Invalid(_))));
    }

    fn key_with(pattern: &str, incident: &Incident) -> String {
        let mut s = settings();
        s.idempotency_pattern = Some(pattern.into());
        Composer::new(&s)
            .unwrap()
            .compose(incident)
            .unwrap()
            .body
            .idempotency_key
    }

    #[test]
    fn a_placeholder_inside_a_value_is_not_expanded_again() {
        let mut a = incident();
        a.set(Field::ContactEmail, Some("{code}@example.com".into()));
        let mut b = incident();
        b.set(Field::ContactEmail, Some("5859@example.com".into()));
        let pattern = "mail-{contactEmail}-{code}";
        assert_eq!(key_with(pattern, &a), "mail-{code}@example.com-5859");
        assert_ne!(key_with(pattern, &a), key_with(pattern, &b));
        let mut c = incident();
        c.set(Field::Description, Some("{digest}{location}".into()));
        assert_eq!(key_with("d-{description}", &c), "d-{digest}{location}");
    }

    #[test]
    fn values_holding_the_separator_give_distinct_keys() {
        let with = |code: &str, kind: &str| {
            let mut i = incident();
            i.set(Field::Code, Some(code.into()));
            i.set(Field::Type, Some(kind.into()));
            key_with("k-{code}-{type}", &i)
        };
        assert_ne!(with("a-b", "c"), with("a", "b-c"));
        assert_eq!(with("a-b", "c"), "k-a%2Db-c");
        assert_ne!(with("a%2Db", "c"), with("a-b", "c"));
        // One placeholder: the value goes in as it is (the guide's form stays the same).
        assert_eq!(
            key_with("botpress-{conversationId}-incident", &incident()),
            "botpress-conv_abc123-incident"
        );
        let mut s = settings();
        s.idempotency_pattern = Some("{code}{type}".into());
        assert!(Composer::new(&s).is_err());
    }

    #[test]
    fn long_or_unprintable_keys_become_a_prefix_and_a_digest() {
        let mut long = incident();
        long.set(Field::ConversationId, Some("c".repeat(100_000)));
        let c = Composer::new(&settings()).unwrap();
        let key = c.compose(&long).unwrap().body.idempotency_key;
        assert!(key.len() <= MAX_KEY_BYTES, "{}", key.len());
        assert!(key.starts_with("botpress-ccc"), "{key}");
        let mut longer = long.clone();
        longer.set(Field::ConversationId, Some("c".repeat(100_001)));
        assert_ne!(key, c.compose(&longer).unwrap().body.idempotency_key);
        for hostile in ["conv\x1b[2J", "conv\r\nX", "conv\u{9b}1m", "conv\u{e9}"] {
            let mut i = incident();
            i.set(Field::ConversationId, Some(hostile.into()));
            let key = c.compose(&i).unwrap().body.idempotency_key;
            assert!(key.chars().all(|ch| (' '..='~').contains(&ch)), "{key:?}");
            assert!(
                key.starts_with("botpress-conv~") && key.len() == 14 + 32,
                "{key:?}"
            );
        }
        assert_eq!(bounded_key("x".repeat(256)), "x".repeat(256));
        assert_ne!(bounded_key("x".repeat(257)), "x".repeat(257));
        assert_eq!(bounded_key("x".repeat(257)).len(), 256);
    }
}
