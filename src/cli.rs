//! Command-line definitions (clap derive); no logic lives here.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

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

/// Send helpdesk incidents as MailingCore transactional emails, exactly once.
#[derive(Debug, Parser)]
#[command(name = "mcnotify", version, propagate_version = true, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
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
    Send(SendArgs),

    /// Render incidents without a key or network: what `send` would POST
    Preview(PreviewArgs),

    /// Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
    ///
    /// Probes GET /emails/logs for live X-Quota-* figures; without them, reports the
    /// last figures the journal recorded from a real send, with their age.
    CheckQuota(CheckQuotaArgs),

    /// Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network
    VerifyKey(VerifyKeyArgs),

    /// List, show, drop or send again the requests kept in the outbox
    #[command(subcommand)]
    Outbox(OutboxCommand),

    /// Show the effective settings and where each came from
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Print a shell completion script
    Completions(CompletionsArgs),

    /// Write completions and man pages into a directory
    #[command(hide = true)]
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
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Save nothing in the outbox when a send fails
    #[arg(long)]
    pub no_outbox: bool,

    /// Do everything but the network: print what would be sent
    #[arg(long)]
    pub dry_run: bool,
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
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = PreviewFormat::Text)]
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
    /// A runnable curl command reading the key from $MAILINGCORE_API_KEY
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
pub struct VerifyKeyArgs {
    /// Also send one short test email to ADDRESS (spends one email of quota)
    #[arg(long, value_name = "ADDRESS")]
    pub send_test: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List the kept requests: id, age, attempts, last error, subject
    List(OutboxListArgs),

    /// Print one kept request (the exact body, never the key)
    Show(OutboxIdArgs),

    /// Delete one kept request without sending it
    Drop(OutboxIdArgs),

    /// Send every kept request again, with its original body and idempotency key
    Flush(OutboxFlushArgs),

    /// Put requests the API refused (outbox/failed/) back in the outbox, history kept
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
pub enum ConfigCommand {
    /// Print each setting with its source (flag, environment variable, config file and
    /// line, or default), the key redacted, and the state directory with its permissions
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
