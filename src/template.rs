//! Renders the email (subject, HTML, text) from built-in or user templates with minijinja.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use minijinja::{context, default_auto_escape_callback, Environment, UndefinedBehavior, Value};

use crate::exit::{fail, Exit, Failure};
use crate::field::Field;
use crate::incident::{fold_line, Incident};

const PARTS: [&str; 3] = ["subject.txt", "body.html", "body.txt"];
const BUILT_IN: [(&str, &str); 6] = [
    ("en/subject.txt", include_str!("templates/en/subject.txt")),
    ("en/body.html", include_str!("templates/en/body.html")),
    ("en/body.txt", include_str!("templates/en/body.txt")),
    ("es/subject.txt", include_str!("templates/es/subject.txt")),
    ("es/body.html", include_str!("templates/es/body.html")),
    ("es/body.txt", include_str!("templates/es/body.txt")),
];
const BUILT_IN_LOCALES: [&str; 2] = ["en", "es"];

/// The variables every template sees (absent values are `none`, never undefined): each
/// field's template name, then `fields`, `source` and `to`.
pub const VARIABLES: [&str; Field::COUNT + 3] = {
    let mut names = [""; Field::COUNT + 3];
    let mut i = 0;
    while i < Field::COUNT {
        names[i] = Field::ALL[i].template_name();
        i += 1;
    }
    names[Field::COUNT] = "fields";
    names[Field::COUNT + 1] = "source";
    names[Field::COUNT + 2] = "to";
    names
};

/// A rendered email.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
    pub locale: String,
}

/// The source of a built-in template, by its name (`en/body.html`).
fn built_in(name: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(built_in, _)| *built_in == name)
        .map(|(_, source)| *source)
}

/// All templates of a run: the user's compiled (and checked) at once, the built-in ones
/// the first time a run renders them.
pub struct Renderer {
    env: Environment<'static>,
    default_locale: Option<String>,
    dir: Option<PathBuf>,
    /// For each locale with templates (built-in or user), the template of each part,
    /// chosen once.
    picked: BTreeMap<String, BTreeMap<&'static str, String>>,
}

impl Renderer {
    /// Built-in templates, overridden part by part by those in `dir`.
    pub fn new(dir: Option<&Path>, default_locale: Option<&str>) -> Result<Renderer> {
        // The built-in templates use no filter, test or global function: without user
        // templates (which may use any) the run does without building minijinja's tables.
        let mut env = match dir {
            Some(_) => Environment::new(),
            None => {
                let mut env = Environment::empty();
                env.set_auto_escape_callback(default_auto_escape_callback);
                env
            }
        };
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_loader(|name| Ok(built_in(name).map(str::to_string)));
        let mut user_locales = BTreeSet::new();
        if let Some(dir) = dir {
            load_dir(&mut env, dir, &mut user_locales)?;
        }
        let picked = BUILT_IN_LOCALES
            .iter()
            .map(|l| l.to_string())
            .chain(user_locales)
            .map(|locale| {
                let parts = PARTS
                    .into_iter()
                    .map(|part| (part, most_specific(&env, dir.is_some(), &locale, part)))
                    .collect();
                (locale, parts)
            })
            .collect();
        Ok(Renderer {
            env,
            default_locale: default_locale.map(normalise_locale),
            dir: dir.map(Path::to_path_buf),
            picked,
        })
    }

    /// The locale an incident is rendered in: its own, else the configured one, else `en`.
    pub fn locale_for(&self, incident: &Incident) -> String {
        let supported = |l: &String| self.picked.contains_key(l);
        incident
            .get(Field::Locale)
            .map(normalise_locale)
            .filter(supported)
            .or_else(|| self.default_locale.clone().filter(supported))
            .unwrap_or_else(|| "en".to_string())
    }

    pub fn render(&self, incident: &Incident, to: &str, source: &str) -> Result<Rendered> {
        let locale = self.locale_for(incident);
        let fields: Vec<Value> = incident
            .extra
            .iter()
            .map(|(name, value)| context! { name, value })
            .collect();
        // `locale` is the one rendered in, not the incident's own: the later value wins.
        let ctx: Value = Field::ALL
            .into_iter()
            .map(|f| (f.template_name(), Value::from(incident.get(f))))
            .chain([
                ("locale", Value::from(locale.as_str())),
                ("fields", Value::from(fields)),
                ("source", Value::from(source)),
                ("to", Value::from(to)),
            ])
            .collect();
        let part = |name: &'static str| -> Result<String> {
            let template_name = self.pick(&locale, name);
            let template = self
                .env
                .get_template(template_name)
                .expect("picked templates exist");
            template
                .render(&ctx)
                .map_err(|e| self.template_error(template_name, &e).into())
        };
        let subject = fold_line(part("subject.txt")?.trim());
        Ok(Rendered {
            subject,
            html: part("body.html")?,
            text: part("body.txt")?,
            locale,
        })
    }

    /// The template of a part in a locale `locale_for` chose.
    fn pick(&self, locale: &str, part: &'static str) -> &str {
        self.picked
            .get(locale)
            .and_then(|parts| parts.get(part))
            .expect("locale_for only chooses locales with templates")
    }

    fn template_error(&self, name: &str, err: &minijinja::Error) -> Failure {
        let origin = match (name.strip_prefix("user/"), &self.dir) {
            (Some(rel), Some(dir)) => dir.join(rel).display().to_string(),
            _ => format!("built-in template {name}"),
        };
        Failure::new(
            Exit::Config,
            format!("template {origin}: {}", describe(err)),
        )
    }
}

/// The most specific template for a part: user per-locale, user (when there is a template
/// directory), built-in. Only the user's are looked up in `env`, so that choosing compiles no
/// built-in template.
fn most_specific(env: &Environment<'static>, user: bool, locale: &str, part: &str) -> String {
    let user = match user {
        true => vec![format!("user/{locale}/{part}"), format!("user/{part}")],
        false => Vec::new(),
    };
    user.into_iter()
        .find(|n| env.get_template(n).is_ok())
        .or_else(|| Some(format!("{locale}/{part}")).filter(|n| built_in(n).is_some()))
        .unwrap_or_else(|| format!("en/{part}"))
}

fn describe(err: &minijinja::Error) -> String {
    let mut text = err.to_string();
    if let Some(line) = err.line() {
        if !text.contains("line") {
            text.push_str(&format!(" (line {line})"));
        }
    }
    text
}

/// `es-ES`, `es_MX` and `ES` all mean `es`.
fn normalise_locale(locale: &str) -> String {
    locale
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn load_dir(
    env: &mut Environment<'static>,
    dir: &Path,
    locales: &mut BTreeSet<String>,
) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| {
        Failure::new(
            Exit::Config,
            format!("cannot read the template directory {}: {e}", dir.display()),
        )
    })?;
    let mut found = 0;
    found += load_parts(env, dir, "user")?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.is_dir() {
            let n = load_parts(env, &path, &format!("user/{name}"))?;
            if n > 0 {
                locales.insert(normalise_locale(name));
                found += n;
            }
        }
    }
    if found == 0 {
        return fail(
            Exit::Config,
            format!(
                "the template directory {} has none of {} (at its top or in a locale folder)",
                dir.display(),
                PARTS.join(", ")
            ),
        );
    }
    Ok(())
}

fn load_parts(env: &mut Environment<'static>, dir: &Path, prefix: &str) -> Result<usize> {
    let mut found = 0;
    for part in PARTS {
        let path = dir.join(part);
        let source = match fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return fail(
                    Exit::Config,
                    format!("cannot read the template {}: {e}", path.display()),
                )
            }
        };
        let name = format!("{prefix}/{part}");
        env.add_template_owned(name.clone(), source).map_err(|e| {
            Failure::new(
                Exit::Config,
                format!("template {}: {}", path.display(), describe(&e)),
            )
        })?;
        let template = env.get_template(&name).expect("just added");
        let unknown: Vec<String> = template
            .undeclared_variables(false)
            .into_iter()
            .filter(|v| !VARIABLES.contains(&v.as_str()))
            .collect();
        if !unknown.is_empty() {
            return Err(Failure::new(
                Exit::Config,
                format!(
                    "template {} uses unknown variable{} {}",
                    path.display(),
                    if unknown.len() > 1 { "s" } else { "" },
                    unknown.join(", ")
                ),
            )
            .hint(format!("templates can use: {}", VARIABLES.join(", ")))
            .into());
        }
        found += 1;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> Incident {
        let mut incident = crate::incident::sample();
        incident.set(
            Field::Description,
            Some("<script>alert(1)</script> \"x\"".into()),
        );
        incident.extra = vec![("floor".into(), "<b>2</b>".into())];
        incident
    }

    #[test]
    fn built_in_templates_compile() {
        let r = Renderer::new(None, None).unwrap();
        for (name, _) in BUILT_IN {
            assert!(r.env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn built_in_subjects_follow_the_design() {
        let r = Renderer::new(None, None).unwrap();
        let out = r.render(&incident(), "h@example.com", "botpress").unwrap();
        assert_eq!(out.subject, "[Incident] Code 5859 — Albacenter Mall");
        let mut i = incident();
        i.set(Field::Code, None);
        assert_eq!(
            r.render(&i, "h", "b").unwrap().subject,
            "[Incident] hardware — Albacenter Mall"
        );
        i.set(Field::Location, None);
        assert_eq!(
            r.render(&i, "h", "b").unwrap().subject,
            "[Incident] hardware"
        );
        i.set(Field::Locale, Some("es-ES".into()));
        let es = r.render(&i, "h", "b").unwrap();
        assert_eq!(
            (es.subject.as_str(), es.locale.as_str()),
            ("[Incidencia] hardware", "es")
        );
    }

    #[test]
    fn html_escapes_every_value_and_text_does_not() {
        let out = Renderer::new(None, None)
            .unwrap()
            .render(&incident(), "h@example.com", "botpress")
            .unwrap();
        assert!(
            out.html
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &quot;x&quot;"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("&lt;b&gt;2&lt;&#x2f;b&gt;"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("<script>"));
        assert!(out.text.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn unknown_locale_falls_back_to_configured_then_en() {
        let mut i = incident();
        i.set(Field::Locale, Some("fr".into()));
        assert_eq!(
            Renderer::new(None, Some("es")).unwrap().locale_for(&i),
            "es"
        );
        assert_eq!(Renderer::new(None, None).unwrap().locale_for(&i), "en");
    }
}

#[cfg(test)]
mod properties {
    //! Properties of rendering over arbitrary incident values. The number of cases comes
    //! from `PROPTEST_CASES` (256 by default).

    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// Fragments that try to break out of HTML, the template engine or a header line.
    const SNIPPETS: [&str; 16] = [
        "<script>alert(1)</script>",
        "<SCRIPT src=//x>",
        "\"'><",
        "\" onmouseover=\"x",
        "</p><p>",
        "&amp;",
        "{{ code }}",
        "{% if true %}",
        "{# c #}",
        "\r\n",
        "\n",
        "\r",
        "\0",
        "\u{2028}",
        "—",
        "javascript:",
    ];

    fn hostile_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(
                prop_oneof![
                    any::<String>(),
                    prop::sample::select(&SNIPPETS[..]).prop_map(String::from),
                ],
                0..6,
            )
            .prop_map(|parts| parts.concat()),
        ]
    }

    fn locale() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            prop::sample::select(&["en", "es", "es-MX", "ES_es", "fr", ""][..])
                .prop_map(|l| Some(l.to_string())),
            hostile_text().prop_map(Some),
        ]
    }

    prop_compose! {
        fn incident()(
            code in prop::option::of(hostile_text()),
            incident_type in prop::option::of(hostile_text()),
            location in prop::option::of(hostile_text()),
            description in prop::option::of(hostile_text()),
            contact_email in prop::option::of(hostile_text()),
            contact_name in prop::option::of(hostile_text()),
            conversation_id in prop::option::of(hostile_text()),
            user_id in prop::option::of(hostile_text()),
            locale in locale(),
            extra in prop::collection::vec((hostile_text(), hostile_text()), 0..4),
        ) -> Incident {
            let mut incident = Incident::default();
            incident.extra = extra;
            for (field, value) in Field::ALL.into_iter().zip([
                code,
                incident_type,
                location,
                description,
                contact_email,
                contact_name,
                conversation_id,
                user_id,
                locale,
            ]) {
                incident.set(field, value);
            }
            incident
        }
    }

    /// HTML escaping as minijinja's auto-escape does it.
    fn escaped(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#x27;"),
                '/' => out.push_str("&#x2f;"),
                c => out.push(c),
            }
        }
        out
    }

    fn built_in() -> &'static Renderer {
        static RENDERER: OnceLock<Renderer> = OnceLock::new();
        RENDERER.get_or_init(|| Renderer::new(None, None).unwrap())
    }

    /// User templates that put every variable in text, in attributes and in a loop.
    fn user() -> &'static Renderer {
        static RENDERER: OnceLock<(tempfile::TempDir, Renderer)> = OnceLock::new();
        &RENDERER
            .get_or_init(|| {
                let dir = tempfile::tempdir().unwrap();
                let all = VARIABLES
                    .iter()
                    .filter(|v| **v != "fields")
                    .map(|v| format!("<span title=\"{{{{ {v} }}}}\" data-x='{{{{ {v} }}}}'>{{{{ {v} }}}}</span>"))
                    .collect::<String>();
                let html = format!(
                    "{all}{{% for f in fields %}}<a href=\"{{{{ f.name }}}}\">{{{{ f.value }}}}</a>{{% endfor %}}"
                );
                fs::write(dir.path().join("body.html"), html).unwrap();
                fs::write(
                    dir.path().join("subject.txt"),
                    "{{ code }} {{ type }} {{ location }} {{ contact_name }} {{ description }}",
                )
                .unwrap();
                let renderer = Renderer::new(Some(dir.path()), Some("es")).unwrap();
                (dir, renderer)
            })
            .1
    }

    fn values(incident: &Incident) -> Vec<&str> {
        let mut all: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|f| !matches!(f, Field::UserId | Field::Locale))
            .filter_map(|f| incident.get(f))
            .collect();
        for (name, value) in &incident.extra {
            all.push(name);
            all.push(value);
        }
        all
    }

    fn check(out: &Rendered) -> Result<(), TestCaseError> {
        prop_assert!(!out.subject.contains(['\r', '\n']), "{:?}", out.subject);
        let lower = out.html.to_ascii_lowercase();
        prop_assert!(!lower.contains("<script"), "{}", out.html);
        prop_assert!(!out.html.contains("\"'><"), "{}", out.html);
        prop_assert!(!out.html.contains("\" onmouseover"), "{}", out.html);
        Ok(())
    }

    proptest! {
        #[test]
        fn built_in_templates_render_any_values_safely(incident in incident()) {
            let out = built_in().render(&incident, "helpdesk@example.com", "botpress").unwrap();
            check(&out)?;
            prop_assert!(out.locale == "en" || out.locale == "es");
            // Shown escaped in HTML, as written in text: the body shows every value
            // (all but the user id, which the built-in templates leave out).
            for value in values(&incident) {
                prop_assert!(out.html.contains(&escaped(value)), "{value:?} not escaped in {}", out.html);
                prop_assert!(out.text.contains(value), "{value:?} not in {}", out.text);
            }
        }

        #[test]
        fn user_templates_escape_values_in_attributes(incident in incident()) {
            let out = user().render(&incident, "helpdesk@example.com", "botpress").unwrap();
            check(&out)?;
            for value in values(&incident) {
                prop_assert!(out.html.contains(&escaped(value)), "{value:?} not escaped in {}", out.html);
            }
        }
    }
}
