
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mcnotify' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mcnotify'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mcnotify' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send incidents to the helpdesk through MailingCore')
            [CompletionResult]::new('check-quota', 'check-quota', [CompletionResultType]::ParameterValue, 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
            [CompletionResult]::new('verify-key', 'verify-key', [CompletionResultType]::ParameterValue, 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What became of one incident: its emails, when accepted, their delivery events')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List, show, drop or send again the requests kept in the outbox')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective settings and where each came from')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Render incidents without a key or network: what `send` would POST')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;send' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read incidents from a document (repeatable; `-` reads stdin)')
            [CompletionResult]::new('--format-in', '--format-in', [CompletionResultType]::ParameterName, 'The documents'' format instead of detecting it from their content')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Machine or incident code')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Incident type (required)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Where the incident happened')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What happened (required)')
            [CompletionResult]::new('--contact-email', '--contact-email', [CompletionResultType]::ParameterName, 'Contact email of the person reporting (required)')
            [CompletionResult]::new('--contact-name', '--contact-name', [CompletionResultType]::ParameterName, 'Contact name')
            [CompletionResult]::new('--conversation-id', '--conversation-id', [CompletionResultType]::ParameterName, 'Botpress conversation id (makes the idempotency key)')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'Botpress user id')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Locale of the email (en, es)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Extra field shown in the email (repeatable)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Helpdesk address the email goes to')
            [CompletionResult]::new('--from-email', '--from-email', [CompletionResultType]::ParameterName, 'Sender address (its domain must be verified in MailingCore)')
            [CompletionResult]::new('--from-name', '--from-name', [CompletionResultType]::ParameterName, 'Sender display name')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-to address [default: the contact email]')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'metadata.source of the email [default: botpress]')
            [CompletionResult]::new('--template-dir', '--template-dir', [CompletionResultType]::ParameterName, 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)')
            [CompletionResult]::new('--template-version-id', '--template-version-id', [CompletionResultType]::ParameterName, 'Send this published MailingCore template version (a rendered body goes as fallback)')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key of the email (one incident only)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line instead of the template''s')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Requests in flight at once [default: 4]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65')
            [CompletionResult]::new('--no-outbox', '--no-outbox', [CompletionResultType]::ParameterName, 'Save nothing in the outbox when a send fails')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Do everything but the network: print what would be sent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;check-quota' {
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Usage (percent of the plan) from which the state is WARNING')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Usage (percent of the plan) from which the state is CRITICAL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;verify-key' {
            [CompletionResult]::new('--send-test', '--send-test', [CompletionResultType]::ParameterName, 'Also send one short test email to ADDRESS (spends one email of quota)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the kept requests: id, age, attempts, last error, subject')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one kept request (the exact body, never the key)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete one kept request without sending it')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send every kept request again, with its original body and idempotency key')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put requests the API refused (outbox/failed/) back in the outbox, history kept')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;outbox;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'List the requests the API refused for good (outbox/failed/)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox;drop' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox;flush' {
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for another running flush to finish (the default exits 75 at once)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox;retry' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every entry in outbox/failed/')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;outbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the kept requests: id, age, attempts, last error, subject')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one kept request (the exact body, never the key)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete one kept request without sending it')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send every kept request again, with its original body and idempotency key')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put requests the API refused (outbox/failed/) back in the outbox, history kept')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;outbox;help;list' {
            break
        }
        'mcnotify;outbox;help;show' {
            break
        }
        'mcnotify;outbox;help;drop' {
            break
        }
        'mcnotify;outbox;help;flush' {
            break
        }
        'mcnotify;outbox;help;retry' {
            break
        }
        'mcnotify;outbox;help;help' {
            break
        }
        'mcnotify;store' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;store;migrate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;store;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;store;help;migrate' {
            break
        }
        'mcnotify;store;help;help' {
            break
        }
        'mcnotify;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;config;show' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Helpdesk address the email goes to')
            [CompletionResult]::new('--from-email', '--from-email', [CompletionResultType]::ParameterName, 'Sender address (its domain must be verified in MailingCore)')
            [CompletionResult]::new('--from-name', '--from-name', [CompletionResultType]::ParameterName, 'Sender display name')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-to address [default: the contact email]')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'metadata.source of the email [default: botpress]')
            [CompletionResult]::new('--template-dir', '--template-dir', [CompletionResultType]::ParameterName, 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)')
            [CompletionResult]::new('--template-version-id', '--template-version-id', [CompletionResultType]::ParameterName, 'Send this published MailingCore template version (a rendered body goes as fallback)')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key of the email (one incident only)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line instead of the template''s')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;config;help;show' {
            break
        }
        'mcnotify;config;help;help' {
            break
        }
        'mcnotify;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on; port 0 picks a free one [default: 127.0.0.1:8025]')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Seconds within which every request is answered (a send still retrying is kept and answered 202) [default: 8]')
            [CompletionResult]::new('--flush-every', '--flush-every', [CompletionResultType]::ParameterName, 'Seconds between background flushes of the outbox [default: 60]')
            [CompletionResult]::new('--max-in-flight', '--max-in-flight', [CompletionResultType]::ParameterName, 'Requests handled at once; more are answered 503 [default: 64]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Helpdesk address the email goes to')
            [CompletionResult]::new('--from-email', '--from-email', [CompletionResultType]::ParameterName, 'Sender address (its domain must be verified in MailingCore)')
            [CompletionResult]::new('--from-name', '--from-name', [CompletionResultType]::ParameterName, 'Sender display name')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-to address [default: the contact email]')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'metadata.source of the email [default: botpress]')
            [CompletionResult]::new('--template-dir', '--template-dir', [CompletionResultType]::ParameterName, 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)')
            [CompletionResult]::new('--template-version-id', '--template-version-id', [CompletionResultType]::ParameterName, 'Send this published MailingCore template version (a rendered body goes as fallback)')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key of the email (one incident only)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line instead of the template''s')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;preview' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read incidents from a document (repeatable; `-` reads stdin)')
            [CompletionResult]::new('--format-in', '--format-in', [CompletionResultType]::ParameterName, 'The documents'' format instead of detecting it from their content')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Machine or incident code')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Incident type (required)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Where the incident happened')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What happened (required)')
            [CompletionResult]::new('--contact-email', '--contact-email', [CompletionResultType]::ParameterName, 'Contact email of the person reporting (required)')
            [CompletionResult]::new('--contact-name', '--contact-name', [CompletionResultType]::ParameterName, 'Contact name')
            [CompletionResult]::new('--conversation-id', '--conversation-id', [CompletionResultType]::ParameterName, 'Botpress conversation id (makes the idempotency key)')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'Botpress user id')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Locale of the email (en, es)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Extra field shown in the email (repeatable)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Helpdesk address the email goes to')
            [CompletionResult]::new('--from-email', '--from-email', [CompletionResultType]::ParameterName, 'Sender address (its domain must be verified in MailingCore)')
            [CompletionResult]::new('--from-name', '--from-name', [CompletionResultType]::ParameterName, 'Sender display name')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply-to address [default: the contact email]')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'metadata.source of the email [default: botpress]')
            [CompletionResult]::new('--template-dir', '--template-dir', [CompletionResultType]::ParameterName, 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)')
            [CompletionResult]::new('--template-version-id', '--template-version-id', [CompletionResultType]::ParameterName, 'Send this published MailingCore template version (a rendered body goes as fallback)')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key of the email (one incident only)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line instead of the template''s')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use ([profile.NAME] tables)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'MailingCore API base URL [default: https://api.mailingcore.com]')
            [CompletionResult]::new('--api-key-file', '--api-key-file', [CompletionResultType]::ParameterName, 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id sent as X-Tenant-Id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of one request after a transient failure [default: 4]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Seconds one request may spend retrying in total [default: 30]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per result on stdout (JSON Lines)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only (and --json lines)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcnotify;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send incidents to the helpdesk through MailingCore')
            [CompletionResult]::new('check-quota', 'check-quota', [CompletionResultType]::ParameterValue, 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
            [CompletionResult]::new('verify-key', 'verify-key', [CompletionResultType]::ParameterValue, 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What became of one incident: its emails, when accepted, their delivery events')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'List, show, drop or send again the requests kept in the outbox')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective settings and where each came from')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Render incidents without a key or network: what `send` would POST')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcnotify;help;send' {
            break
        }
        'mcnotify;help;check-quota' {
            break
        }
        'mcnotify;help;verify-key' {
            break
        }
        'mcnotify;help;status' {
            break
        }
        'mcnotify;help;outbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the kept requests: id, age, attempts, last error, subject')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one kept request (the exact body, never the key)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete one kept request without sending it')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send every kept request again, with its original body and idempotency key')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put requests the API refused (outbox/failed/) back in the outbox, history kept')
            break
        }
        'mcnotify;help;outbox;list' {
            break
        }
        'mcnotify;help;outbox;show' {
            break
        }
        'mcnotify;help;outbox;drop' {
            break
        }
        'mcnotify;help;outbox;flush' {
            break
        }
        'mcnotify;help;outbox;retry' {
            break
        }
        'mcnotify;help;store' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Bring the database''s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after')
            break
        }
        'mcnotify;help;store;migrate' {
            break
        }
        'mcnotify;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions')
            break
        }
        'mcnotify;help;config;show' {
            break
        }
        'mcnotify;help;serve' {
            break
        }
        'mcnotify;help;preview' {
            break
        }
        'mcnotify;help;completions' {
            break
        }
        'mcnotify;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
