//! The incident: its fields, flags over document values, validation and its digest.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::address;
use crate::field::Field;
use crate::mapping::Mapped;

/// What is wrong with a record's data: a sentence, and the field it is about when
/// there is one (`serve` answers it so that the bot can ask again for that field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<Field>,
    pub message: String,
}

impl Problem {
    pub fn new(message: String) -> Problem {
        Problem {
            field: None,
            message,
        }
    }

    pub fn of(field: Field, message: String) -> Problem {
        Problem {
            field: Some(field),
            message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One incident as the helpdesk sees it. Values are trimmed; absent is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incident {
    /// One value per field, in the order of `Field::ALL`.
    values: [Option<String>; Field::COUNT],
    /// Fields with no place of their own, in input order, shown in the email.
    pub extra: Vec<(String, String)>,
}

/// The incident flags, parsed once and applied over every record.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    values: Vec<(Field, String)>,
    extra: Vec<(String, String)>,
}

impl Overrides {
    /// The field values and the `KEY=VALUE` extra fields given on the command line;
    /// `Err` is a usage error (a `--field` without `=`).
    pub fn new(values: Vec<(Field, String)>, fields: &[String]) -> Result<Overrides, String> {
        let mut extra = Vec::new();
        for field in fields {
            let Some((key, value)) = field.split_once('=') else {
                return Err(format!("--field {field:?} is not KEY=VALUE"));
            };
            let key = key.trim();
            if key.is_empty() {
                return Err(format!("--field {field:?} has an empty KEY"));
            }
            extra.push((key.to_string(), value.to_string()));
        }
        Ok(Overrides { values, extra })
    }

    /// True when no incident flag was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.extra.is_empty()
    }
}

impl Incident {
    /// The incident from a mapped document record, with the flags applied over it.
    pub fn new(mapped: Mapped, overrides: &Overrides) -> Incident {
        let mut incident = Incident {
            extra: mapped.extra,
            ..Incident::default()
        };
        for (field, value) in mapped
            .values
            .into_iter()
            .chain(overrides.values.iter().cloned())
        {
            let value = value.trim().to_string();
            incident.set(field, (!value.is_empty()).then_some(value));
        }
        for (key, value) in &overrides.extra {
            match incident.extra.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.clone(),
                None => incident.extra.push((key.clone(), value.clone())),
            }
        }
        incident
    }

    /// The value of one field.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.values[field.index()].as_deref()
    }

    /// Sets one field's value as given (no trimming).
    pub fn set(&mut self, field: Field, value: Option<String>) {
        self.values[field.index()] = value;
    }

    /// Every field with its JSON name and value, in the order of `Field::ALL`.
    fn fields(&self) -> impl Iterator<Item = (&'static str, Option<&str>)> {
        Field::ALL.into_iter().map(|f| (f.json_name(), self.get(f)))
    }

    /// The vendor's rule: contact email, incident type and description are required;
    /// the contact email must be one valid address; no NUL anywhere. Gives the contact
    /// address as sent (an internationalised domain in ASCII).
    pub fn validate(&self) -> Result<String, Problem> {
        for field in Field::ALL {
            if self.get(field).is_some_and(|v| v.contains('\0')) {
                return Err(Problem::of(
                    field,
                    format!("{} contains a NUL character", field.json_name()),
                ));
            }
        }
        if let Some((key, _)) = self
            .extra
            .iter()
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(Problem::new(format!(
                "field {key:?} contains a NUL character"
            )));
        }
        let Some(email) = self.get(Field::ContactEmail) else {
            return Err(Problem::of(
                Field::ContactEmail,
                "contact email is missing".into(),
            ));
        };
        let contact = address::parse(email)
            .map_err(|e| Problem::of(Field::ContactEmail, format!("contact email {e}")))?;
        if self.get(Field::Type).is_none() {
            return Err(Problem::of(Field::Type, "incident type is missing".into()));
        }
        if self.get(Field::Description).is_none() {
            return Err(Problem::of(
                Field::Description,
                "description is missing".into(),
            ));
        }
        Ok(contact)
    }

    /// What the incident is called in one line: `5859 Albacenter Mall`.
    pub fn label(&self) -> String {
        let head = self
            .get(Field::Code)
            .or(self.get(Field::Type))
            .unwrap_or("incident");
        match self.get(Field::Location) {
            Some(loc) => format!("{} {}", fold_line(head), fold_line(loc)),
            None => fold_line(head),
        }
    }

    /// The first 32 hex digits of SHA-256 over the canonical JSON (sorted keys, trimmed
    /// values) of the incident's fields and the recipient.
    pub fn digest(&self, to: &str) -> String {
        /// A value of the canonical JSON: a field's text, or the object of the others.
        #[derive(serde::Serialize)]
        #[serde(untagged)]
        enum Canon<'a> {
            Text(&'a str),
            Fields(BTreeMap<&'a str, &'a str>),
        }
        let mut canon: BTreeMap<&str, Canon> = self
            .fields()
            .filter_map(|(name, value)| Some((name, Canon::Text(value?.trim()))))
            .collect();
        if !self.extra.is_empty() {
            let extra = self.extra.iter().map(|(k, v)| (k.as_str(), v.trim()));
            canon.insert("fields", Canon::Fields(extra.collect()));
        }
        canon.insert("to", Canon::Text(to.trim()));
        let json = serde_json::to_vec(&canon).expect("strings serialise");
        hex::encode(&Sha256::digest(&json)[..16])
    }

    /// The value a `{name}` placeholder of the idempotency key pattern stands for.
    pub fn placeholder(&self, name: &str) -> Option<&str> {
        Field::from_json_name(name).and_then(|f| self.get(f))
    }
}

/// CR and LF folded to one space, for anything that becomes a header-like line.
pub fn fold_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_break = false;
    for c in text.chars() {
        if c == '\r' || c == '\n' {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else {
            out.push(c);
            in_break = false;
        }
    }
    out
}

/// The sample incident of the unit tests: a broken card reader at Albacenter Mall.
#[cfg(test)]
pub fn sample() -> Incident {
    let mut incident = Incident::default();
    for (field, value) in [
        (Field::Code, "5859"),
        (Field::Type, "hardware"),
        (Field::Location, "Albacenter Mall"),
        (Field::Description, "Card reader broken"),
        (Field::ContactEmail, "ana@example.com"),
    ] {
        incident.set(field, Some(value.into()));
    }
    incident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_document_values() {
        let mapped = Mapped {
            values: vec![(Field::Code, "1".into()), (Field::Location, "A".into())],
            extra: vec![("floor".into(), "2".into())],
        };
        let overrides = Overrides::new(
            vec![(Field::Code, "5859".into())],
            &["floor=3".into(), "shift=night".into()],
        )
        .unwrap();
        let incident = Incident::new(mapped, &overrides);
        assert_eq!(incident.get(Field::Code), Some("5859"));
        assert_eq!(incident.get(Field::Location), Some("A"));
        assert_eq!(
            incident.extra,
            vec![
                ("floor".into(), "3".into()),
                ("shift".into(), "night".into())
            ]
        );
    }

    #[test]
    fn validation_names_what_is_wrong() {
        assert_eq!(sample().validate(), Ok("ana@example.com".into()));
        let mut i = sample();
        i.set(Field::ContactEmail, Some("ana@".into()));
        assert_eq!(
            i.validate().unwrap_err(),
            Problem::of(
                Field::ContactEmail,
                "contact email \"ana@\" is not a valid address".into()
            )
        );
        let mut i = sample();
        i.set(Field::Description, None);
        assert_eq!(
            i.validate().unwrap_err(),
            Problem::of(Field::Description, "description is missing".into())
        );
        let mut i = sample();
        i.set(Field::Location, Some("a\0b".into()));
        let problem = i.validate().unwrap_err();
        assert_eq!(problem.field, Some(Field::Location));
        assert!(problem.message.contains("NUL"));
    }

    #[test]
    fn digest_is_the_one_journals_hold() {
        // Journals written by earlier versions hold these: a change would turn every
        // replay of an old incident into a "different incident".
        let mut i = sample();
        assert_eq!(
            i.digest("help@example.com"),
            "7953e6920c64a679870a2af60f76755e"
        );
        i.extra = vec![
            ("shift".into(), " night ".into()),
            ("a\"b".into(), "é\n".into()),
            ("floor".into(), "2".into()),
        ];
        i.set(Field::Description, Some(" tab\there \u{7f} ".into()));
        assert_eq!(i.digest(""), "d563214ed20d01d0c29adc0e5a8ff83d");
    }

    #[test]
    fn digest_is_stable_and_depends_on_content_and_recipient() {
        let a = sample().digest("help@example.com");
        assert_eq!(a.len(), 32);
        assert_eq!(a, sample().digest(" help@example.com "));
        assert_ne!(a, sample().digest("other@example.com"));
        let mut b = sample();
        b.set(Field::Description, Some("Other".into()));
        assert_ne!(a, b.digest("help@example.com"));
    }

    #[test]
    fn fold_line_joins_breaks_into_one_space() {
        assert_eq!(fold_line("a\r\nb\nc"), "a b c");
    }
}
