//! Command-line definitions (clap derive); no logic lives here.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::help_text::concat_help;

const EXIT_CODES: &str = "\
Exit codes:
  0    everything done (sent, or accepted earlier under the same idempotency key)
  64   usage error
  65   invalid incident data; nothing sent for those records
  66   an input file cannot be read
  69   the API rejected a record for good (400, 404, 409, 422)
  74   the outbox could not be written: the incident was NOT saved
  75   temporary failure (network, 5xx, rate limit, quota block); saved in the outbox
  77   the key is invalid, revoked or lacks a scope (401, 403)
  78   configuration error (no key, bad config file, http:// to a remote host)
  129  hung up (SIGHUP); in-flight requests finished, the rest reported
  130  interrupted (Ctrl-C); in-flight requests finished, the rest reported
  143  terminated (SIGTERM); in-flight requests finished, the rest reported";

const QUOTA_EXIT_CODES: &str = "\
Exit codes:
  0    OK: usage below --warn
  1    WARNING: usage at or above --warn
  2    CRITICAL: usage at or above --critical, or the tenant is blocked
  3    UNKNOWN: no figures, a bad argument or a configuration error";

const COMPLETIONS_EXIT_CODES: &str = "\
Exit codes:
  0    the script was printed
  64   usage error (a shell mcnotify has no script for)";

const MAIN_EXAMPLES: &str = "\
Examples:
  # Render the guide's incident: no key, no config, no network
  mcnotify preview --file examples/incidents/guide.json --to helpdesk@example.com

  # Check the key, then send an incident document from a Botpress bridge
  mcnotify verify-key
  mcnotify send --file - --json < incident.json";

const STATUS_EXAMPLES: &str = "\
Examples:
  # By conversation, delivery id or idempotency key
  mcnotify status conv_abc123
  mcnotify status clxlog123 --json";

const STATUS_EXIT_CODES: &str = "\
Exit codes:
  0   found, and no email of it bounced or failed
  66  nothing is known of it
  69  an email's latest event is a bounce or a failure (and no fallback of it arrived)
  75  tried, never accepted yet (kept in the outbox or not)";

const STORE_EXAMPLES: &str = "\
Examples:
  # Create or update the tables of a PostgreSQL store before the first replica starts
  MCNOTIFY_STORE=postgres://mcnotify@db.internal/mcnotify mcnotify store migrate
  mcnotify store migrate --json";

const STORE_EXIT_CODES: &str = "\
Exit codes:
  0   the schema is up to date (or the store is a directory: nothing to do)
  75  the database cannot be reached
  78  the store setting is wrong, or the schema is newer than this mcnotify";

const SERVE_EXAMPLES: &str = "\
Examples:
  # The bridge on this machine, for a bot behind a TLS proxy
  MCNOTIFY_SERVE_TOKEN_FILE=/etc/mcnotify/token mcnotify serve

  # A free port, printed on stderr as `mcnotify: listening on http://127.0.0.1:PORT`
  mcnotify serve --listen 127.0.0.1:0 --json";

const SERVE_EXIT_CODES: &str = "\
Exit codes:
  0   stopped by SIGTERM or SIGINT after answering every request in flight
  64  usage error
  74  the address cannot be listened on (in use, or not this machine's), or the state directory cannot be written
  78  configuration error (no token, no key, no helpdesk address)";

const SEND_EXAMPLES: &str = "\
Examples:
  # One incident typed by an operator
  mcnotify send --code 5859 --type hardware --location 'Albacenter Mall' \\
      --description 'Card reader rejects every card' \\
      --contact-email ana.perez@example.com --to helpdesk@example.com

  # A Botpress document on stdin, one JSON result line for the script
  mcnotify send --file - --json < incident.json

  # Replay an export; what cannot be delivered now waits in the outbox
  mcnotify send --file exports.ndjson";

const PREVIEW_EXAMPLES: &str = "\
Examples:
  # The email the guide's incident becomes
  mcnotify preview --file examples/incidents/guide.json --to helpdesk@example.com

  # The exact JSON body, or a curl command that posts it
  mcnotify preview --file incident.json --format json
  mcnotify preview --file incident.json --format curl";

const CHECK_QUOTA_EXAMPLES: &str = "\
Examples:
  # As a Nagios or Icinga plugin
  mcnotify check-quota --warn 80 --critical 100

  # The figures as one JSON object
  mcnotify check-quota --json";

const VERIFY_KEY_EXAMPLES: &str = "\
Examples:
  # Check the key the config file or MAILINGCORE_API_KEY holds
  mcnotify verify-key

  # Also prove the key may send (spends one email of the quota)
  mcnotify verify-key --send-test you@example.com";

const OUTBOX_EXAMPLES: &str = "\
Examples:
  # What waits, then send it all again
  mcnotify outbox list
  mcnotify outbox flush";

const OUTBOX_LIST_EXAMPLES: &str = "\
Examples:
  # id, age, attempts, last error and subject of each kept request
  mcnotify outbox list

  # The requests the API refused for good, as JSON Lines
  mcnotify outbox list --failed --json";

const OUTBOX_SHOW_EXAMPLES: &str = "\
Examples:
  # The stored request with the id `outbox list` printed
  mcnotify outbox show 3f2a9c1e";

const OUTBOX_DROP_EXAMPLES: &str = "\
Examples:
  # Forget a request that must not be sent
  mcnotify outbox drop 3f2a9c1e";

const OUTBOX_FLUSH_EXAMPLES: &str = "\
Examples:
  # Send what waits, printing errors only (for cron)
  mcnotify outbox flush -q

  # Wait for a flush already running instead of exiting 75
  mcnotify outbox flush --wait";

const OUTBOX_RETRY_EXAMPLES: &str = "\
Examples:
  # After fixing what the API refused (a tenant, a sender domain): back, then send
  mcnotify outbox retry 3f2a9c1e
  mcnotify outbox flush

  # Every refused request at once
  mcnotify outbox retry --all";

const CONFIG_EXAMPLES: &str = "\
Examples:
  # Which file, key and settings a command would use, and where each came from
  mcnotify config show

  # The same for a profile and a flag, as JSON
  mcnotify --profile night config show --to oncall@example.com --json";

const CONFIG_EXIT_CODES: &str = "\
Exit codes:
  0    the settings were printed (also without a key: the key line says why)
  64   usage error
  78   configuration error (a config file that cannot be read or parsed)";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  # bash (with bash-completion), for the current user
  mcnotify completions bash > ~/.local/share/bash-completion/completions/mcnotify

  # zsh: a file named _mcnotify in a directory of $fpath
  mcnotify completions zsh > ~/.zfunc/_mcnotify

  # fish
  mcnotify completions fish > ~/.config/fish/completions/mcnotify.fish";

/// The network options, which `preview` shows only as far as `--format curl` uses them.
const UNUSED_BY_PREVIEW: [&str; 4] = ["api_key_file", "timeout", "retries", "retry_max_time"];

/// Send helpdesk incidents as MailingCore transactional emails, exactly once.
#[derive(Debug, Parser)]
#[command(
    name = "mcnotify",
    version,
    propagate_version = true,
    after_help = MAIN_EXAMPLES,
    after_long_help = concat_help!(MAIN_EXAMPLES, EXIT_CODES),
    mut_subcommand("preview", |cmd| hide_global_options(cmd, &UNUSED_BY_PREVIEW)),
    mut_subcommand("completions", |cmd| hide_global_options(cmd, &[])),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config file [default: the first found of the user's and the system-wide one]
    #[arg(long, global = true, value_name = "PATH", env = "MCNOTIFY_CONFIG", help = config_help())]
    pub config: Option<PathBuf>,

    /// Profile of the config file to use ([profile.NAME] tables)
    #[arg(long, global = true, value_name = "NAME", env = "MCNOTIFY_PROFILE")]
    pub profile: Option<String>,

    /// MailingCore API base URL [default: https://api.mailingcore.com]
    #[arg(long, global = true, value_name = "URL", env = "MAILINGCORE_BASE_URL")]
    pub base_url: Option<String>,

    /// File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)
    ///
    /// Key sources, first found wins: --api-key-file, MAILINGCORE_API_KEY,
    /// MAILINGCORE_API_KEY_FILE, config api_key_file, config api_key.
    #[arg(long, global = true, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,

    /// Tenant id sent as X-Tenant-Id
    #[arg(long, global = true, value_name = "ID", env = "MAILINGCORE_TENANT_ID")]
    pub tenant_id: Option<String>,

    /// Seconds one HTTP attempt may take [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Retries of one request after a transient failure [default: 4]
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Seconds one request may spend retrying in total [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub retry_max_time: Option<f64>,

    /// Print one JSON object per result on stdout (JSON Lines)
    #[arg(long, global = true)]
    pub json: bool,

    /// Print errors only (and --json lines)
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the
    /// config file read and where the key came from
    #[arg(short = 'v', long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// When to use colour (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The `--config` help of the generated man pages and completions, the same on every machine.
pub const CONFIG_HELP_DOCS: &str = "Config file [default: the first found of \
$XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]";

/// The `--config` help names the files actually searched on this machine.
fn config_help() -> String {
    let paths: Vec<String> = crate::config::searched_paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    format!(
        "Config file [default: the first found of {}]",
        paths.join(", ")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send incidents to the helpdesk through MailingCore
    ///
    /// Incidents come from --file documents and/or the incident flags; flags override
    /// the fields of every document record. A request that still fails after its
    /// retries is saved in the outbox (exit 75).
    #[command(after_help = SEND_EXAMPLES, after_long_help = concat_help!(SEND_EXAMPLES, EXIT_CODES))]
    Send(SendArgs),

    /// Render incidents without a key or network: what `send` would POST
    #[command(after_help = PREVIEW_EXAMPLES, after_long_help = concat_help!(PREVIEW_EXAMPLES, EXIT_CODES))]
    Preview(PreviewArgs),

    /// Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
    ///
    /// Probes GET /emails/logs for live X-Quota-* figures; without them, reports the
    /// last figures the journal recorded from a real send, with their age.
    #[command(
        after_help = CHECK_QUOTA_EXAMPLES,
        after_long_help = concat_help!(CHECK_QUOTA_EXAMPLES, QUOTA_EXIT_CODES)
    )]
    CheckQuota(CheckQuotaArgs),

    /// Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network
    #[command(
        after_help = VERIFY_KEY_EXAMPLES,
        after_long_help = concat_help!(VERIFY_KEY_EXAMPLES, EXIT_CODES)
    )]
    VerifyKey(VerifyKeyArgs),

    /// What became of one incident: its emails, when accepted, their delivery events
    ///
    /// QUERY is an idempotency key, a delivery id (`id` of a send) or a conversation id.
    /// Delivery events come from MailingCore's webhooks, which `serve` records.
    #[command(after_help = STATUS_EXAMPLES, after_long_help = concat_help!(STATUS_EXAMPLES, STATUS_EXIT_CODES))]
    Status(StatusArgs),

    /// List, show, drop or send again the requests kept in the outbox
    #[command(subcommand, after_help = OUTBOX_EXAMPLES, after_long_help = concat_help!(OUTBOX_EXAMPLES, EXIT_CODES))]
    Outbox(OutboxCommand),

    /// Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)
    #[command(subcommand, after_help = STORE_EXAMPLES, after_long_help = concat_help!(STORE_EXAMPLES, STORE_EXIT_CODES))]
    Store(StoreCommand),

    /// Show the effective settings and where each came from
    #[command(subcommand, after_help = CONFIG_EXAMPLES, after_long_help = concat_help!(CONFIG_EXAMPLES, CONFIG_EXIT_CODES))]
    Config(ConfigCommand),

    /// Run the bridge a Botpress card calls: POST /v1/incidents over HTTP
    ///
    /// Each incident is composed and sent as `send` would, and answered within the
    /// deadline: 201 sent, 200 replayed, 202 kept in the outbox (sent later by the
    /// background flusher), 422 invalid data. Needs a bridge token (MCNOTIFY_SERVE_TOKEN_FILE
    /// or token_file in the config's [serve] table).
    #[command(after_help = SERVE_EXAMPLES, after_long_help = concat_help!(SERVE_EXAMPLES, SERVE_EXIT_CODES))]
    Serve(ServeArgs),

    /// Print a shell completion script
    #[command(
        after_help = COMPLETIONS_EXAMPLES,
        after_long_help = concat_help!(COMPLETIONS_EXAMPLES, COMPLETIONS_EXIT_CODES)
    )]
    Completions(CompletionsArgs),

    /// Write completions and man pages into a directory: left out of `Cli::command()`, so
    /// that no completion script, help or man page offers it; `parse` adds it
    #[command(skip)]
    GenerateDocs(GenerateDocsArgs),
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub incident: IncidentArgs,

    #[command(flatten)]
    pub email: EmailArgs,

    /// Requests in flight at once [default: 4]
    #[arg(long, value_name = "N", help_heading = None::<&str>)]
    pub jobs: Option<usize>,

    /// Save nothing in the outbox when a send fails
    #[arg(long, help_heading = None::<&str>)]
    pub no_outbox: bool,

    /// Do everything but the network: print what would be sent
    #[arg(long, help_heading = None::<&str>)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free one [default: 127.0.0.1:8025]
    #[arg(long, value_name = "ADDR:PORT", help_heading = None::<&str>)]
    pub listen: Option<String>,

    /// Seconds within which every request is answered (a send still retrying is kept and answered 202) [default: 8]
    #[arg(long, value_name = "SECS", help_heading = None::<&str>)]
    pub deadline: Option<f64>,

    /// Seconds between background flushes of the outbox [default: 60]
    #[arg(long, value_name = "SECS", help_heading = None::<&str>)]
    pub flush_every: Option<f64>,

    /// Requests handled at once; more are answered 503 [default: 64]
    #[arg(long, value_name = "N", help_heading = None::<&str>)]
    pub max_in_flight: Option<usize>,

    #[command(flatten)]
    pub email: EmailArgs,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub incident: IncidentArgs,

    #[command(flatten)]
    pub email: EmailArgs,

    /// What to print
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = PreviewFormat::Text, help_heading = None::<&str>)]
    pub format: PreviewFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreviewFormat {
    /// A header summary and the text body
    Text,
    /// The HTML body
    Html,
    /// The exact JSON body `send` would POST
    Json,
    /// A runnable curl command that reads the key from the environment variable MAILINGCORE_API_KEY
    Curl,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Read incidents from a document (repeatable; `-` reads stdin)
    ///
    /// A JSON object, a JSON array of objects, NDJSON, CSV with a header row, or a
    /// Botpress Tables page {"rows": [...]}; records may be flat or
    /// botpress-incident/v1 envelopes. stdin is read only when asked for.
    #[arg(long, value_name = "PATH")]
    pub file: Vec<PathBuf>,

    /// The documents' format instead of detecting it from their content
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format_in: Option<InputFormat>,

    /// Succeed when the input holds no incident (an export that may be empty); without
    /// it such a run exits 65
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// JSON values: an object, an array of objects, or objects one after another
    Json,
    /// One JSON object per line
    Ndjson,
    /// A header row, then one incident per row
    Csv,
}

#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Incident")]
pub struct IncidentArgs {
    /// Machine or incident code
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,

    /// Incident type (required)
    #[arg(long = "type", value_name = "TYPE")]
    pub incident_type: Option<String>,

    /// Where the incident happened
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,

    /// What happened (required)
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Contact email of the person reporting (required)
    #[arg(long, value_name = "ADDRESS")]
    pub contact_email: Option<String>,

    /// Contact name
    #[arg(long, value_name = "NAME")]
    pub contact_name: Option<String>,

    /// Botpress conversation id (makes the idempotency key)
    #[arg(long, value_name = "ID")]
    pub conversation_id: Option<String>,

    /// Botpress user id
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,

    /// Locale of the email (en, es)
    #[arg(long, value_name = "LOCALE")]
    pub locale: Option<String>,

    /// Extra field shown in the email (repeatable)
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
}

#[derive(Debug, Default, Clone, Args)]
#[command(next_help_heading = "Email")]
pub struct EmailArgs {
    /// Helpdesk address the email goes to
    #[arg(long, value_name = "ADDRESS", env = "MCNOTIFY_TO")]
    pub to: Option<String>,

    /// Sender address (its domain must be verified in MailingCore)
    #[arg(long, value_name = "ADDRESS")]
    pub from_email: Option<String>,

    /// Sender display name
    #[arg(long, value_name = "NAME")]
    pub from_name: Option<String>,

    /// Reply-to address [default: the contact email]
    #[arg(long, value_name = "ADDRESS")]
    pub reply_to: Option<String>,

    /// Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// metadata.source of the email [default: botpress]
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Directory of templates: subject.txt, body.html, body.txt (optionally per locale)
    #[arg(long, value_name = "DIR")]
    pub template_dir: Option<PathBuf>,

    /// Send this published MailingCore template version (a rendered body goes as fallback)
    #[arg(long, value_name = "ID")]
    pub template_version_id: Option<String>,

    /// Idempotency key of the email (one incident only)
    #[arg(long, value_name = "KEY", value_parser = crate::email::idempotency_key_arg)]
    pub idempotency_key: Option<String>,

    /// Subject line instead of the template's
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckQuotaArgs {
    /// Usage (percent of the plan) from which the state is WARNING
    #[arg(long, value_name = "PCT", default_value_t = 80.0)]
    pub warn: f64,

    /// Usage (percent of the plan) from which the state is CRITICAL
    #[arg(long, value_name = "PCT", default_value_t = 100.0)]
    pub critical: f64,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// An idempotency key, a delivery id or a conversation id
    #[arg(value_name = "QUERY")]
    pub query: String,
}

#[derive(Debug, Args)]
pub struct VerifyKeyArgs {
    /// Also send one short test email to ADDRESS (spends one email of quota)
    #[arg(long, value_name = "ADDRESS")]
    pub send_test: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List the kept requests: id, age, attempts, last error, subject
    #[command(after_help = OUTBOX_LIST_EXAMPLES, after_long_help = concat_help!(OUTBOX_LIST_EXAMPLES, EXIT_CODES))]
    List(OutboxListArgs),

    /// Print one kept request (the exact body, never the key)
    #[command(after_help = OUTBOX_SHOW_EXAMPLES, after_long_help = concat_help!(OUTBOX_SHOW_EXAMPLES, EXIT_CODES))]
    Show(OutboxIdArgs),

    /// Delete one kept request without sending it
    #[command(after_help = OUTBOX_DROP_EXAMPLES, after_long_help = concat_help!(OUTBOX_DROP_EXAMPLES, EXIT_CODES))]
    Drop(OutboxIdArgs),

    /// Send every kept request again, with its original body and idempotency key
    #[command(after_help = OUTBOX_FLUSH_EXAMPLES, after_long_help = concat_help!(OUTBOX_FLUSH_EXAMPLES, EXIT_CODES))]
    Flush(OutboxFlushArgs),

    /// Put requests the API refused (outbox/failed/) back in the outbox, history kept
    #[command(after_help = OUTBOX_RETRY_EXAMPLES, after_long_help = concat_help!(OUTBOX_RETRY_EXAMPLES, EXIT_CODES))]
    Retry(OutboxRetryArgs),
}

#[derive(Debug, Args)]
pub struct OutboxListArgs {
    /// List the requests the API refused for good (outbox/failed/)
    #[arg(long)]
    pub failed: bool,
}

#[derive(Debug, Args)]
pub struct OutboxIdArgs {
    /// The entry's id, as `outbox list` shows it
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct OutboxRetryArgs {
    /// The failed entry's id, as `outbox list --failed` shows it
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub id: Option<String>,

    /// Every entry in outbox/failed/
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct OutboxFlushArgs {
    /// Requests in flight at once
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Wait for another running flush to finish (the default exits 75 at once)
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Bring the database's schema to the version this mcnotify writes (each run also does
    /// at its first connection); says the version before and after
    #[command(after_help = STORE_EXAMPLES, after_long_help = concat_help!(STORE_EXAMPLES, STORE_EXIT_CODES))]
    Migrate,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each setting with its source (flag, environment variable, config file and
    /// line, or default), the key redacted, and the state directory with its permissions
    #[command(after_help = CONFIG_EXAMPLES, after_long_help = concat_help!(CONFIG_EXAMPLES, CONFIG_EXIT_CODES))]
    Show(ConfigShowArgs),
}

#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    #[command(flatten)]
    pub email: EmailArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct GenerateDocsArgs {
    /// Directory that receives completions/ and man/
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
}

/// `cmd` with the global options named in `ids` (all of them when `ids` is empty) hidden from
/// its help: they still parse there, before or after the subcommand, but do nothing.
fn hide_global_options(cmd: clap::Command, ids: &[&str]) -> clap::Command {
    let globals = GlobalArgs::augment_args(clap::Command::new("global options"));
    globals
        .get_arguments()
        .filter(|arg| ids.is_empty() || ids.contains(&arg.get_id().as_str()))
        .fold(cmd, |cmd, arg| cmd.arg(arg.clone().hide(true)))
}

/// The hidden `generate-docs` subcommand.
fn generate_docs_command() -> clap::Command {
    GenerateDocsArgs::augment_args(
        clap::Command::new("generate-docs")
            .about("Write completions and man pages into a directory")
            .hide(true),
    )
}

/// The `--color` choice of a command line, found before clap parses it, so that clap's own
/// help and error messages obey it too (`NO_COLOR` is left to clap's `auto`).
pub fn color_from_args(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut words = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(word) = words.next() {
        let value = match word {
            "--" => break,
            "--color" => words.next().unwrap_or(""),
            _ => match word.strip_prefix("--color=") {
                Some(value) => value,
                None => continue,
            },
        };
        choice = match value {
            "always" => clap::ColorChoice::Always,
            "never" => clap::ColorChoice::Never,
            _ => clap::ColorChoice::Auto,
        };
    }
    choice
}

/// Parse `args` (program name first) with the whole tree, clap's colours set by `--color`.
pub fn parse_whole(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let mut cmd = Cli::command()
        .color(color_from_args(&args))
        .subcommand(generate_docs_command());
    let matches = cmd.try_get_matches_from_mut(args)?;
    if let Some(("generate-docs", sub)) = matches.subcommand() {
        let parsed = GlobalArgs::from_arg_matches(&matches).and_then(|global| {
            Ok(Cli {
                global,
                command: Command::GenerateDocs(GenerateDocsArgs::from_arg_matches(sub)?),
            })
        });
        return parsed.map_err(|e| e.format(&mut cmd));
    }
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

#[cfg(test)]
mod tests {
    use clap::{Args, Command};

    use super::IncidentArgs;
    use crate::field::Field;

    /// One incident flag per field, in the order of `Field::ALL`, each its config name with
    /// `-` for `_`; then `--field`.
    #[test]
    fn incident_flags_are_the_fields() {
        let cmd = IncidentArgs::augment_args(Command::new("send"));
        let flags: Vec<&str> = cmd.get_arguments().filter_map(|a| a.get_long()).collect();
        let mut expected: Vec<String> = Field::ALL
            .iter()
            .map(|f| f.config_name().replace('_', "-"))
            .collect();
        expected.push("field".into());
        assert_eq!(flags, expected);
    }
}
