//! Input to email: reads records, maps and validates them, and composes each email.

use std::collections::VecDeque;

use anyhow::Result;
use serde_json::Value;

use crate::email::{ComposeError, Composer, Email};
use crate::exit::{Exit, Failure};
use crate::field::Field;
use crate::incident::{Incident, Overrides};
use crate::input::{Inputs, Item};
use crate::mapping::FieldMap;
use crate::outcome::Origin;

/// One step of the pipeline.
#[derive(Debug)]
pub enum Prepared {
    Email(Box<Ready>),
    /// The record's data is at fault (65).
    Invalid {
        number: usize,
        origin: Origin,
        error: String,
        /// The field the error is about, when it is about one.
        field: Option<Field>,
    },
    /// An input file that cannot be read (66).
    Unreadable {
        error: String,
    },
}

/// A composed email with the record it came from.
#[derive(Debug)]
pub struct Ready {
    pub number: usize,
    pub origin: Origin,
    pub email: Email,
}

impl Ready {
    /// The body as a JSON value (for `--json` and previews).
    pub fn body(&self) -> Value {
        serde_json::to_value(&self.email.body).expect("bodies serialise")
    }

    /// The exact body POSTed (and kept in the outbox on failure).
    pub fn raw(&self) -> serde_json::Result<Box<serde_json::value::RawValue>> {
        serde_json::value::to_raw_value(&self.email.body)
    }
}

/// Turns one record into an email: mapped by the fields, with the overrides over it,
/// composed. Shared by a run's pipeline and by every request `serve` answers.
pub struct Preparer {
    fields: FieldMap,
    overrides: Overrides,
    composer: Composer,
}

pub struct Pipeline {
    inputs: Inputs,
    preparer: Preparer,
    /// With `--idempotency-key`, what was read ahead to make sure there is one record.
    lookahead: VecDeque<Item>,
}

impl Pipeline {
    /// The records of `inputs`, mapped by `fields`, with `overrides` over them, composed
    /// by `composer`. A composer with one fixed key refuses an input of several records.
    pub fn new(
        mut inputs: Inputs,
        fields: FieldMap,
        overrides: Overrides,
        composer: Composer,
    ) -> Result<Pipeline> {
        let mut lookahead = VecDeque::new();
        if composer.has_fixed_key() {
            lookahead.extend(inputs.next());
            let second = inputs.next();
            if let Some(Item::Record(_)) = second {
                return Err(Failure::new(
                    Exit::Usage,
                    "--idempotency-key names one email, but the input has more than one record",
                )
                .hint("drop --idempotency-key; each record gets its own key")
                .into());
            }
            lookahead.extend(second);
        }
        Ok(Pipeline {
            inputs,
            preparer: Preparer::new(fields, overrides, composer),
            lookahead,
        })
    }
}

impl Preparer {
    pub fn new(fields: FieldMap, overrides: Overrides, composer: Composer) -> Preparer {
        Preparer {
            fields,
            overrides,
            composer,
        }
    }

    /// One item of the input, composed (or why it cannot be).
    pub fn prepare(&self, item: Item) -> Result<Prepared> {
        let record = match item {
            Item::Unreadable { error } => return Ok(Prepared::Unreadable { error }),
            Item::Record(r) => r,
        };
        let invalid = |error: String, field: Option<Field>| Prepared::Invalid {
            number: record.number,
            origin: record.origin.clone(),
            error,
            field,
        };
        let value = match &record.value {
            Ok(v) => v,
            Err(e) => return Ok(invalid(e.clone(), None)),
        };
        let mapped = match self.fields.apply(value) {
            Ok(m) => m,
            Err(e) => return Ok(invalid(e, None)),
        };
        let incident = Incident::new(mapped, &self.overrides);
        match self.composer.compose(&incident) {
            Ok(email) => Ok(Prepared::Email(Box::new(Ready {
                number: record.number,
                origin: record.origin,
                email,
            }))),
            Err(ComposeError::Invalid(e)) => Ok(invalid(e.message, e.field)),
            Err(ComposeError::Fatal(e)) => Err(e),
        }
    }
}

impl Iterator for Pipeline {
    type Item = Result<Prepared>;

    fn next(&mut self) -> Option<Result<Prepared>> {
        let item = match self.lookahead.pop_front() {
            Some(item) => item,
            None => self.inputs.next()?,
        };
        Some(self.preparer.prepare(item))
    }
}
