//! The incident fields in one table: config, JSON and template names, default paths.

/// An incident field that input documents and flags can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Type,
    Location,
    Description,
    ContactEmail,
    ContactName,
    ConversationId,
    UserId,
    Locale,
}

/// What is known about one field.
struct Spec {
    /// The name in the config's `[fields]` table, in templates and (with `-` for `_`) the flag.
    config: &'static str,
    /// The name in JSON: the digest, idempotency key placeholders and messages.
    json: &'static str,
    /// Where the field is looked for when the config does not say: the
    /// `botpress-incident/v1` envelope first, then a flat record or a Tables row.
    paths: &'static [&'static str],
    /// Identifiers arrive as numbers from Tables and CSV-minded exports.
    number: bool,
}

impl Field {
    /// Every field, in the order the email, the digest and the help list them.
    pub const ALL: [Field; 9] = [
        Field::Code,
        Field::Type,
        Field::Location,
        Field::Description,
        Field::ContactEmail,
        Field::ContactName,
        Field::ConversationId,
        Field::UserId,
        Field::Locale,
    ];

    /// How many fields there are.
    pub const COUNT: usize = Field::ALL.len();

    const fn spec(self) -> Spec {
        match self {
            Field::Code => Spec {
                config: "code",
                json: "code",
                paths: &[
                    "/incident/machineCode",
                    "/incident/incidentCode",
                    "/incident/code",
                    "/machineCode",
                    "/incidentCode",
                    "/code",
                ],
                number: true,
            },
            Field::Type => Spec {
                config: "type",
                json: "type",
                paths: &[
                    "/incident/incidentType",
                    "/incident/type",
                    "/incidentType",
                    "/type",
                ],
                number: false,
            },
            Field::Location => Spec {
                config: "location",
                json: "location",
                paths: &["/incident/location", "/location"],
                number: false,
            },
            Field::Description => Spec {
                config: "description",
                json: "description",
                paths: &["/incident/description", "/description"],
                number: false,
            },
            Field::ContactEmail => Spec {
                config: "contact_email",
                json: "contactEmail",
                paths: &[
                    "/incident/contactEmail",
                    "/incident/email",
                    "/contactEmail",
                    "/email",
                ],
                number: false,
            },
            Field::ContactName => Spec {
                config: "contact_name",
                json: "contactName",
                paths: &[
                    "/incident/contactName",
                    "/incident/name",
                    "/contactName",
                    "/name",
                ],
                number: false,
            },
            Field::ConversationId => Spec {
                config: "conversation_id",
                json: "conversationId",
                paths: &[
                    "/conversationId",
                    "/incident/conversationId",
                    "/conversation/id",
                    "/threadId",
                ],
                number: true,
            },
            Field::UserId => Spec {
                config: "user_id",
                json: "userId",
                paths: &["/userId", "/incident/userId", "/target"],
                number: true,
            },
            Field::Locale => Spec {
                config: "locale",
                json: "locale",
                paths: &["/incident/locale", "/locale"],
                number: false,
            },
        }
    }

    /// The field's place in `Field::ALL`.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name of the field in the config's `[fields]` table.
    pub const fn config_name(self) -> &'static str {
        self.spec().config
    }

    /// The name of the field in JSON (`contactEmail`).
    pub const fn json_name(self) -> &'static str {
        self.spec().json
    }

    /// The name of the variable templates see (`contact_email`).
    pub const fn template_name(self) -> &'static str {
        self.spec().config
    }

    pub fn from_config_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.config_name() == name)
    }

    pub fn from_json_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.json_name() == name)
    }

    /// Where the field is looked for when the config does not say: the
    /// `botpress-incident/v1` envelope first, then a flat record or a Tables row.
    pub const fn default_paths(self) -> &'static [&'static str] {
        self.spec().paths
    }

    /// Identifiers arrive as numbers from Tables and CSV-minded exports.
    pub const fn accepts_number(self) -> bool {
        self.spec().number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_declaration_order() {
        for (i, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), i, "{field:?}");
        }
    }

    #[test]
    fn names_are_unique_and_found_again() {
        for field in Field::ALL {
            assert_eq!(Field::from_config_name(field.config_name()), Some(field));
            assert_eq!(Field::from_json_name(field.json_name()), Some(field));
        }
        assert_eq!(Field::from_config_name("contactEmail"), None);
        assert_eq!(Field::from_json_name("contact_email"), None);
    }

    #[test]
    fn every_field_is_found_in_a_flat_record_under_its_json_name() {
        for field in Field::ALL {
            let flat = format!("/{}", field.json_name());
            assert!(field.default_paths().contains(&flat.as_str()), "{field:?}");
        }
    }
}
