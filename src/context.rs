//! The one converter from the command line to the domain: the flags become the top
//! settings layer, and the printer, the client, the composer and the stores are built
//! here, once, for the commands.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context as _, Result};
use tokio::runtime::Runtime;

use crate::api::{Client, RetryPolicy};
use crate::cli::{
    ColorChoice, EmailArgs, GlobalArgs, IncidentArgs, InputArgs, InputFormat, ServeArgs,
};
use crate::config::{Env, FlagName, Flags, Profile, ServeTable, Settings};
use crate::email::Composer;
use crate::exit::{fail, Exit, Failure};
use crate::field::Field;
use crate::incident::Overrides;
use crate::input::{Format, Inputs};
use crate::output::{OutputMode, Printer};
use crate::pipeline::{Pipeline, Preparer};
use crate::store::{Destination, Store};

/// Requests in flight at once unless `--jobs` says otherwise.
pub const DEFAULT_JOBS: usize = 4;

/// The flag and environment variable of each setting the command line can give, for
/// `config show`; the config key is the clap argument's id.
const FLAG_NAMES: &[FlagName] = &[
    flag("base_url", "--base-url", Some("MAILINGCORE_BASE_URL")),
    flag("tenant_id", "--tenant-id", Some("MAILINGCORE_TENANT_ID")),
    flag("timeout", "--timeout", None),
    flag("retries", "--retries", None),
    flag("retry_max_time", "--retry-max-time", None),
    flag("to", "--to", Some("MCNOTIFY_TO")),
    flag("from_email", "--from-email", None),
    flag("from_name", "--from-name", None),
    flag("reply_to", "--reply-to", None),
    flag("tags", "--tag", None),
    flag("source", "--source", None),
    flag("subject", "--subject", None),
    flag("template_dir", "--template-dir", None),
    flag("template_version_id", "--template-version-id", None),
    flag("idempotency_key", "--idempotency-key", None),
];

const fn flag(key: &'static str, flag: &'static str, var: Option<&'static str>) -> FlagName {
    FlagName { key, flag, var }
}

/// What every command is handed: the merged settings, the printer, and the one async
/// runtime that every request of the run goes through (made on first use: `preview`
/// and `config` never make it).
pub struct Context<'p> {
    pub settings: Settings,
    pub printer: &'p Printer,
    runtime: OnceLock<Runtime>,
}

/// The printer of `--json`, `-q`, `-v` and `--color` (`NO_COLOR` is honoured).
pub fn printer(global: &GlobalArgs) -> Printer {
    let mode = OutputMode {
        json: global.json,
        quiet: global.quiet,
        verbose: global.verbose,
        color: match global.color {
            ColorChoice::Always => Some(true),
            ColorChoice::Never => Some(false),
            ColorChoice::Auto => None,
        },
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Printer::new(&mode, no_color)
}

/// The command line as the top settings layer.
pub fn flags(global: &GlobalArgs, email: Option<&EmailArgs>) -> Flags {
    let email = email.cloned().unwrap_or_default();
    Flags {
        config: global.config.clone(),
        profile: global.profile.clone(),
        api_key_file: global.api_key_file.clone(),
        idempotency_key: email.idempotency_key,
        layer: Profile {
            base_url: global.base_url.clone(),
            tenant_id: global.tenant_id.clone(),
            timeout: global.timeout,
            retries: global.retries,
            retry_max_time: global.retry_max_time,
            to: email.to,
            from_email: email.from_email,
            from_name: email.from_name,
            reply_to: email.reply_to,
            tags: (!email.tags.is_empty()).then_some(email.tags),
            source: email.source,
            subject: email.subject,
            template_dir: email.template_dir,
            template_version_id: email.template_version_id,
            ..Profile::default()
        },
        names: FLAG_NAMES,
        serve: ServeTable::default(),
    }
}

/// `serve`'s command line as the top settings layer: its email flags, and its own over
/// the config's `[serve]` table.
pub fn serve_flags(global: &GlobalArgs, args: &ServeArgs) -> Flags {
    Flags {
        serve: ServeTable {
            listen: args.listen.clone(),
            token_file: None,
            webhook_secret_file: None,
            deadline: args.deadline,
            flush_every: args.flush_every,
            max_in_flight: args.max_in_flight,
            fallback_to: None,
        },
        ..flags(global, Some(&args.email))
    }
}

/// `--jobs`, checked: at least one.
pub fn jobs(jobs: Option<usize>) -> Result<usize> {
    match jobs {
        Some(0) => fail(Exit::Usage, "--jobs must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(DEFAULT_JOBS),
    }
}

impl<'p> Context<'p> {
    /// The settings of the config file, `env` and the flags, merged once.
    pub fn load(
        global: &GlobalArgs,
        email: Option<&EmailArgs>,
        env: &Env,
        printer: &'p Printer,
    ) -> Result<Context<'p>> {
        Context::with_flags(&flags(global, email), env, printer)
    }

    /// The settings of the config file, `env` and `flags`, merged once.
    pub fn with_flags(flags: &Flags, env: &Env, printer: &'p Printer) -> Result<Context<'p>> {
        Ok(Context {
            settings: Settings::load(flags, env)?,
            printer,
            runtime: OnceLock::new(),
        })
    }

    /// The records of `--file` (or the incident flags alone), composed into emails.
    pub fn pipeline(&self, input: &InputArgs, incident: &IncidentArgs) -> Result<Pipeline> {
        let overrides = overrides(incident).map_err(|e| Failure::new(Exit::Usage, e))?;
        if input.file.is_empty() && overrides.is_empty() {
            return Err(Failure::new(Exit::Usage, "no incident given")
                .hint("give --file PATH (`-` for stdin) or the incident flags (--type, --description, --contact-email, ...)")
                .into());
        }
        if input.file.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
            return Err(
                Failure::new(Exit::Usage, "--file - (stdin) can be given only once").into(),
            );
        }
        let composer = Composer::new(&self.settings.email)?;
        let format = match input.format_in {
            None => Format::Auto,
            Some(InputFormat::Json) => Format::Json,
            Some(InputFormat::Ndjson) => Format::Ndjson,
            Some(InputFormat::Csv) => Format::Csv,
        };
        let inputs = Inputs::new(input.file.clone(), format);
        Pipeline::new(inputs, self.settings.fields.clone(), overrides, composer)
    }

    /// What turns one record into an email with the settings' fields and composer, and
    /// no incident flags (`serve`).
    pub fn preparer(&self) -> Result<Preparer> {
        Ok(Preparer::new(
            self.settings.fields.clone(),
            Overrides::default(),
            Composer::new(&self.settings.email)?,
        ))
    }

    /// The run's runtime: one thread drives every request (its I/O and timers).
    pub fn runtime(&self) -> Result<&Runtime> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the HTTP runtime")?;
        Ok(self.runtime.get_or_init(|| runtime))
    }

    /// Run `future` to its end on the run's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output> {
        Ok(self.runtime()?.block_on(future))
    }

    /// The client with the key and retry policy of the settings (78 without a key).
    pub fn client(&self) -> Result<Client> {
        self.client_with(self.retry_policy())
    }

    /// The retry policy of the settings: `--retries`, `--retry-max-time`, `--timeout`.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            retries: self.settings.retries,
            max_time: self.settings.retry_max_time,
            timeout: self.settings.timeout,
            backoff: Duration::from_millis(250),
            rate_limit_waits: 10,
        }
    }

    /// The client with the key of the settings and the given retry policy.
    pub fn client_with(&self, policy: RetryPolicy) -> Result<Client> {
        let (settings, printer) = (&self.settings, self.printer);
        let (key, source, warnings) = settings.api_key()?;
        for w in warnings.iter().chain(&settings.warnings) {
            printer.warn(w);
        }
        if let Some(config) = &settings.config_path {
            printer.detail(2, &format!("config {}", config.display()));
        }
        printer.detail(2, &format!("key {} from {source}", key.redacted()));
        let client = Client::new(&settings.base_url, key, settings.tenant_id.clone(), policy)?;
        printer.detail(2, client.proxy_note());
        Ok(client)
    }

    /// Where the client's requests go, as the outbox and the journal record it.
    pub fn destination(&self, client: &Client) -> Destination {
        Destination {
            base_url: client.base_url().to_string(),
            tenant_id: self.settings.tenant_id.clone(),
            profile: self.settings.profile.clone(),
        }
    }

    /// The configured store: the state directory, or the database (not reached yet).
    pub fn store(&self) -> Result<Arc<Store>> {
        Ok(Arc::new(Store::open(
            &self.settings.store,
            self.settings.claim_lease,
        )?))
    }

    /// The store, before a run that may write there: a warning for each directory others
    /// could write, and the temp files of writers that died mid-write removed.
    pub fn prepared_store(&self) -> Result<Arc<Store>> {
        let store = self.store()?;
        store.connect()?;
        for why in store.unsafe_reasons() {
            self.printer.warn(&why);
        }
        self.sweep(&store);
        Ok(store)
    }

    /// Remove the temp files that writers which died mid-write left in `store`.
    pub fn sweep(&self, store: &Store) {
        for (removed, dir) in store.sweep() {
            self.printer.detail(
                1,
                &format!(
                    "removed {removed} temp file{} left by an interrupted write in {}",
                    if removed == 1 { "" } else { "s" },
                    dir
                ),
            );
        }
    }
}

/// The incident flags, to be applied over every record.
fn overrides(args: &IncidentArgs) -> Result<Overrides, String> {
    let values = [
        (Field::Code, &args.code),
        (Field::Type, &args.incident_type),
        (Field::Location, &args.location),
        (Field::Description, &args.description),
        (Field::ContactEmail, &args.contact_email),
        (Field::ContactName, &args.contact_name),
        (Field::ConversationId, &args.conversation_id),
        (Field::UserId, &args.user_id),
        (Field::Locale, &args.locale),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.as_ref().map(|v| (f, v.clone())))
    .collect();
    Overrides::new(values, &args.fields)
}

#[cfg(test)]
mod tests {
    use clap::{Args, Command, FromArgMatches};

    use super::overrides;
    use crate::cli::IncidentArgs;
    use crate::field::Field;
    use crate::incident::Incident;
    use crate::mapping::Mapped;

    /// Each incident flag sets its own field.
    #[test]
    fn each_incident_flag_sets_its_field() {
        let mut argv = vec!["send".to_string()];
        for field in Field::ALL {
            argv.push(format!("--{}", field.config_name().replace('_', "-")));
            argv.push(field.config_name().to_string());
        }
        let matches = IncidentArgs::augment_args(Command::new("send")).get_matches_from(argv);
        let args = IncidentArgs::from_arg_matches(&matches).unwrap();
        let incident = Incident::new(Mapped::default(), &overrides(&args).unwrap());
        for field in Field::ALL {
            assert_eq!(incident.get(field), Some(field.config_name()), "{field:?}");
        }
    }
}
