
use builtin;
use str;

set edit:completion:arg-completer[mcnotify] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mcnotify'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mcnotify'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Send incidents to the helpdesk through MailingCore'
            cand check-quota 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
            cand verify-key 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network'
            cand status 'What became of one incident: its emails, when accepted, their delivery events'
            cand outbox 'List, show, drop or send again the requests kept in the outbox'
            cand store 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)'
            cand config 'Show the effective settings and where each came from'
            cand serve 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP'
            cand preview 'Render incidents without a key or network: what `send` would POST'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;send'= {
            cand --file 'Read incidents from a document (repeatable; `-` reads stdin)'
            cand --format-in 'The documents'' format instead of detecting it from their content'
            cand --code 'Machine or incident code'
            cand --type 'Incident type (required)'
            cand --location 'Where the incident happened'
            cand --description 'What happened (required)'
            cand --contact-email 'Contact email of the person reporting (required)'
            cand --contact-name 'Contact name'
            cand --conversation-id 'Botpress conversation id (makes the idempotency key)'
            cand --user-id 'Botpress user id'
            cand --locale 'Locale of the email (en, es)'
            cand --field 'Extra field shown in the email (repeatable)'
            cand --to 'Helpdesk address the email goes to'
            cand --from-email 'Sender address (its domain must be verified in MailingCore)'
            cand --from-name 'Sender display name'
            cand --reply-to 'Reply-to address [default: the contact email]'
            cand --tag 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]'
            cand --source 'metadata.source of the email [default: botpress]'
            cand --template-dir 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)'
            cand --template-version-id 'Send this published MailingCore template version (a rendered body goes as fallback)'
            cand --idempotency-key 'Idempotency key of the email (one incident only)'
            cand --subject 'Subject line instead of the template''s'
            cand --jobs 'Requests in flight at once [default: 4]'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-empty 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65'
            cand --no-outbox 'Save nothing in the outbox when a send fails'
            cand --dry-run 'Do everything but the network: print what would be sent'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;check-quota'= {
            cand --warn 'Usage (percent of the plan) from which the state is WARNING'
            cand --critical 'Usage (percent of the plan) from which the state is CRITICAL'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;verify-key'= {
            cand --send-test 'Also send one short test email to ADDRESS (spends one email of quota)'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;status'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the kept requests: id, age, attempts, last error, subject'
            cand show 'Print one kept request (the exact body, never the key)'
            cand drop 'Delete one kept request without sending it'
            cand flush 'Send every kept request again, with its original body and idempotency key'
            cand retry 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;outbox;list'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --failed 'List the requests the API refused for good (outbox/failed/)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox;show'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox;drop'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox;flush'= {
            cand --jobs 'Requests in flight at once'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --wait 'Wait for another running flush to finish (the default exits 75 at once)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox;retry'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --all 'Every entry in outbox/failed/'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;outbox;help'= {
            cand list 'List the kept requests: id, age, attempts, last error, subject'
            cand show 'Print one kept request (the exact body, never the key)'
            cand drop 'Delete one kept request without sending it'
            cand flush 'Send every kept request again, with its original body and idempotency key'
            cand retry 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;outbox;help;list'= {
        }
        &'mcnotify;outbox;help;show'= {
        }
        &'mcnotify;outbox;help;drop'= {
        }
        &'mcnotify;outbox;help;flush'= {
        }
        &'mcnotify;outbox;help;retry'= {
        }
        &'mcnotify;outbox;help;help'= {
        }
        &'mcnotify;store'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;store;migrate'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;store;help'= {
            cand migrate 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;store;help;migrate'= {
        }
        &'mcnotify;store;help;help'= {
        }
        &'mcnotify;config'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;config;show'= {
            cand --to 'Helpdesk address the email goes to'
            cand --from-email 'Sender address (its domain must be verified in MailingCore)'
            cand --from-name 'Sender display name'
            cand --reply-to 'Reply-to address [default: the contact email]'
            cand --tag 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]'
            cand --source 'metadata.source of the email [default: botpress]'
            cand --template-dir 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)'
            cand --template-version-id 'Send this published MailingCore template version (a rendered body goes as fallback)'
            cand --idempotency-key 'Idempotency key of the email (one incident only)'
            cand --subject 'Subject line instead of the template''s'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;config;help'= {
            cand show 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;config;help;show'= {
        }
        &'mcnotify;config;help;help'= {
        }
        &'mcnotify;serve'= {
            cand --listen 'Address and port to listen on; port 0 picks a free one [default: 127.0.0.1:8025]'
            cand --deadline 'Seconds within which every request is answered (a send still retrying is kept and answered 202) [default: 8]'
            cand --flush-every 'Seconds between background flushes of the outbox [default: 60]'
            cand --max-in-flight 'Requests handled at once; more are answered 503 [default: 64]'
            cand --to 'Helpdesk address the email goes to'
            cand --from-email 'Sender address (its domain must be verified in MailingCore)'
            cand --from-name 'Sender display name'
            cand --reply-to 'Reply-to address [default: the contact email]'
            cand --tag 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]'
            cand --source 'metadata.source of the email [default: botpress]'
            cand --template-dir 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)'
            cand --template-version-id 'Send this published MailingCore template version (a rendered body goes as fallback)'
            cand --idempotency-key 'Idempotency key of the email (one incident only)'
            cand --subject 'Subject line instead of the template''s'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;preview'= {
            cand --file 'Read incidents from a document (repeatable; `-` reads stdin)'
            cand --format-in 'The documents'' format instead of detecting it from their content'
            cand --code 'Machine or incident code'
            cand --type 'Incident type (required)'
            cand --location 'Where the incident happened'
            cand --description 'What happened (required)'
            cand --contact-email 'Contact email of the person reporting (required)'
            cand --contact-name 'Contact name'
            cand --conversation-id 'Botpress conversation id (makes the idempotency key)'
            cand --user-id 'Botpress user id'
            cand --locale 'Locale of the email (en, es)'
            cand --field 'Extra field shown in the email (repeatable)'
            cand --to 'Helpdesk address the email goes to'
            cand --from-email 'Sender address (its domain must be verified in MailingCore)'
            cand --from-name 'Sender display name'
            cand --reply-to 'Reply-to address [default: the contact email]'
            cand --tag 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]'
            cand --source 'metadata.source of the email [default: botpress]'
            cand --template-dir 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)'
            cand --template-version-id 'Send this published MailingCore template version (a rendered body goes as fallback)'
            cand --idempotency-key 'Idempotency key of the email (one incident only)'
            cand --subject 'Subject line instead of the template''s'
            cand --format 'What to print'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-empty 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;completions'= {
            cand --config 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]'
            cand --profile 'Profile of the config file to use ([profile.NAME] tables)'
            cand --base-url 'MailingCore API base URL [default: https://api.mailingcore.com]'
            cand --api-key-file 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)'
            cand --tenant-id 'Tenant id sent as X-Tenant-Id'
            cand --timeout 'Seconds one HTTP attempt may take [default: 30]'
            cand --retries 'Retries of one request after a transient failure [default: 4]'
            cand --retry-max-time 'Seconds one request may spend retrying in total [default: 30]'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --json 'Print one JSON object per result on stdout (JSON Lines)'
            cand -q 'Print errors only (and --json lines)'
            cand --quiet 'Print errors only (and --json lines)'
            cand -v 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand --verbose 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcnotify;help'= {
            cand send 'Send incidents to the helpdesk through MailingCore'
            cand check-quota 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
            cand verify-key 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network'
            cand status 'What became of one incident: its emails, when accepted, their delivery events'
            cand outbox 'List, show, drop or send again the requests kept in the outbox'
            cand store 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)'
            cand config 'Show the effective settings and where each came from'
            cand serve 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP'
            cand preview 'Render incidents without a key or network: what `send` would POST'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcnotify;help;send'= {
        }
        &'mcnotify;help;check-quota'= {
        }
        &'mcnotify;help;verify-key'= {
        }
        &'mcnotify;help;status'= {
        }
        &'mcnotify;help;outbox'= {
            cand list 'List the kept requests: id, age, attempts, last error, subject'
            cand show 'Print one kept request (the exact body, never the key)'
            cand drop 'Delete one kept request without sending it'
            cand flush 'Send every kept request again, with its original body and idempotency key'
            cand retry 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
        }
        &'mcnotify;help;outbox;list'= {
        }
        &'mcnotify;help;outbox;show'= {
        }
        &'mcnotify;help;outbox;drop'= {
        }
        &'mcnotify;help;outbox;flush'= {
        }
        &'mcnotify;help;outbox;retry'= {
        }
        &'mcnotify;help;store'= {
            cand migrate 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
        }
        &'mcnotify;help;store;migrate'= {
        }
        &'mcnotify;help;config'= {
            cand show 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
        }
        &'mcnotify;help;config;show'= {
        }
        &'mcnotify;help;serve'= {
        }
        &'mcnotify;help;preview'= {
        }
        &'mcnotify;help;completions'= {
        }
        &'mcnotify;help;help'= {
        }
    ]
    $completions[$command]
}
