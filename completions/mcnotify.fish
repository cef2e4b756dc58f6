# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mcnotify_global_optspecs
    string join \n config= profile= base-url= api-key-file= tenant-id= timeout= retries= retry-max-time= json q/quiet v/verbose color= h/help V/version
end

function __fish_mcnotify_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    # A global option still waiting for its value: no subcommand yet.
    argparse -s (__fish_mcnotify_global_optspecs) -- $cmd 2>/dev/null
    or return 0
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mcnotify_using_subcommand
    set -l cmd (__fish_mcnotify_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mcnotify -n "__fish_mcnotify_needs_command" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_needs_command" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "send" -d 'Send incidents to the helpdesk through MailingCore'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "check-quota" -d 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "verify-key" -d 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "status" -d 'What became of one incident: its emails, when accepted, their delivery events'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "outbox" -d 'List, show, drop or send again the requests kept in the outbox'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "store" -d 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "config" -d 'Show the effective settings and where each came from'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "serve" -d 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "preview" -d 'Render incidents without a key or network: what `send` would POST'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mcnotify -n "__fish_mcnotify_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l file -d 'Read incidents from a document (repeatable; `-` reads stdin)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l format-in -d 'The documents\' format instead of detecting it from their content' -r -f -a "json\t'JSON values: an object, an array of objects, or objects one after another'
ndjson\t'One JSON object per line'
csv\t'A header row, then one incident per row'"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l code -d 'Machine or incident code' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l type -d 'Incident type (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l location -d 'Where the incident happened' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l description -d 'What happened (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l contact-email -d 'Contact email of the person reporting (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l contact-name -d 'Contact name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l conversation-id -d 'Botpress conversation id (makes the idempotency key)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l user-id -d 'Botpress user id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l locale -d 'Locale of the email (en, es)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l field -d 'Extra field shown in the email (repeatable)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l to -d 'Helpdesk address the email goes to' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l from-email -d 'Sender address (its domain must be verified in MailingCore)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l from-name -d 'Sender display name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l reply-to -d 'Reply-to address [default: the contact email]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l tag -d 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l source -d 'metadata.source of the email [default: botpress]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l template-dir -d 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l template-version-id -d 'Send this published MailingCore template version (a rendered body goes as fallback)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l idempotency-key -d 'Idempotency key of the email (one incident only)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l subject -d 'Subject line instead of the template\'s' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l jobs -d 'Requests in flight at once [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l allow-empty -d 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l no-outbox -d 'Save nothing in the outbox when a send fails'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l dry-run -d 'Do everything but the network: print what would be sent'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand send" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l warn -d 'Usage (percent of the plan) from which the state is WARNING' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l critical -d 'Usage (percent of the plan) from which the state is CRITICAL' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand check-quota" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l send-test -d 'Also send one short test email to ADDRESS (spends one email of quota)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand verify-key" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand status" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "list" -d 'List the kept requests: id, age, attempts, last error, subject'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "show" -d 'Print one kept request (the exact body, never the key)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "drop" -d 'Delete one kept request without sending it'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "flush" -d 'Send every kept request again, with its original body and idempotency key'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "retry" -d 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and not __fish_seen_subcommand_from list show drop flush retry help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l failed -d 'List the requests the API refused for good (outbox/failed/)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l jobs -d 'Requests in flight at once' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l wait -d 'Wait for another running flush to finish (the default exits 75 at once)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l all -d 'Every entry in outbox/failed/'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the kept requests: id, age, attempts, last error, subject'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one kept request (the exact body, never the key)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Delete one kept request without sending it'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "flush" -d 'Send every kept request again, with its original body and idempotency key'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -f -a "migrate" -d 'Bring the database\'s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and not __fish_seen_subcommand_from migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Bring the database\'s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l to -d 'Helpdesk address the email goes to' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l from-email -d 'Sender address (its domain must be verified in MailingCore)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l from-name -d 'Sender display name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l reply-to -d 'Reply-to address [default: the contact email]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l tag -d 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l source -d 'metadata.source of the email [default: botpress]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l template-dir -d 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l template-version-id -d 'Send this published MailingCore template version (a rendered body goes as fallback)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l idempotency-key -d 'Idempotency key of the email (one incident only)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l subject -d 'Subject line instead of the template\'s' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l listen -d 'Address and port to listen on; port 0 picks a free one [default: 127.0.0.1:8025]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l deadline -d 'Seconds within which every request is answered (a send still retrying is kept and answered 202) [default: 8]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l flush-every -d 'Seconds between background flushes of the outbox [default: 60]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l max-in-flight -d 'Requests handled at once; more are answered 503 [default: 64]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l to -d 'Helpdesk address the email goes to' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l from-email -d 'Sender address (its domain must be verified in MailingCore)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l from-name -d 'Sender display name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l reply-to -d 'Reply-to address [default: the contact email]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l tag -d 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l source -d 'metadata.source of the email [default: botpress]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l template-dir -d 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l template-version-id -d 'Send this published MailingCore template version (a rendered body goes as fallback)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l idempotency-key -d 'Idempotency key of the email (one incident only)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l subject -d 'Subject line instead of the template\'s' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand serve" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l file -d 'Read incidents from a document (repeatable; `-` reads stdin)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l format-in -d 'The documents\' format instead of detecting it from their content' -r -f -a "json\t'JSON values: an object, an array of objects, or objects one after another'
ndjson\t'One JSON object per line'
csv\t'A header row, then one incident per row'"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l code -d 'Machine or incident code' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l type -d 'Incident type (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l location -d 'Where the incident happened' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l description -d 'What happened (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l contact-email -d 'Contact email of the person reporting (required)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l contact-name -d 'Contact name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l conversation-id -d 'Botpress conversation id (makes the idempotency key)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l user-id -d 'Botpress user id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l locale -d 'Locale of the email (en, es)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l field -d 'Extra field shown in the email (repeatable)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l to -d 'Helpdesk address the email goes to' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l from-email -d 'Sender address (its domain must be verified in MailingCore)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l from-name -d 'Sender display name' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l reply-to -d 'Reply-to address [default: the contact email]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l tag -d 'Tag for the send logs (repeatable) [default: botpress, helpdesk, incident]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l source -d 'metadata.source of the email [default: botpress]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l template-dir -d 'Directory of templates: subject.txt, body.html, body.txt (optionally per locale)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l template-version-id -d 'Send this published MailingCore template version (a rendered body goes as fallback)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l idempotency-key -d 'Idempotency key of the email (one incident only)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l subject -d 'Subject line instead of the template\'s' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l format -d 'What to print' -r -f -a "text\t'A header summary and the text body'
html\t'The HTML body'
json\t'The exact JSON body `send` would POST'
curl\t'A runnable curl command that reads the key from the environment variable MAILINGCORE_API_KEY'"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l allow-empty -d 'Succeed when the input holds no incident (an export that may be empty); without it such a run exits 65'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand preview" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l config -d 'Config file [default: the first found of $XDG_CONFIG_HOME/mcnotify/config.toml (~/.config/mcnotify/config.toml), /etc/mcnotify/config.toml]' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l profile -d 'Profile of the config file to use ([profile.NAME] tables)' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l base-url -d 'MailingCore API base URL [default: https://api.mailingcore.com]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l api-key-file -d 'File holding the API key (the key itself goes in MAILINGCORE_API_KEY, never on argv)' -r -F
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l tenant-id -d 'Tenant id sent as X-Tenant-Id' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l timeout -d 'Seconds one HTTP attempt may take [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l retries -d 'Retries of one request after a transient failure [default: 4]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l retry-max-time -d 'Seconds one request may spend retrying in total [default: 30]' -r
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -l json -d 'Print one JSON object per result on stdout (JSON Lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -s q -l quiet -d 'Print errors only (and --json lines)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -s v -l verbose -d 'Print more: -v adds the raw quota and rate-limit headers and each retry, -vv the config file read and where the key came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "send" -d 'Send incidents to the helpdesk through MailingCore'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "check-quota" -d 'Report the monthly quota with monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "verify-key" -d 'Check the API key offline, then against the API: invalid, missing scope, wrong tenant or network'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "status" -d 'What became of one incident: its emails, when accepted, their delivery events'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "outbox" -d 'List, show, drop or send again the requests kept in the outbox'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "store" -d 'Create or update the tables of a PostgreSQL store (`store = "postgres://..."`)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "config" -d 'Show the effective settings and where each came from'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "serve" -d 'Run the bridge a Botpress card calls: POST /v1/incidents over HTTP'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "preview" -d 'Render incidents without a key or network: what `send` would POST'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and not __fish_seen_subcommand_from send check-quota verify-key status outbox store config serve preview completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "list" -d 'List the kept requests: id, age, attempts, last error, subject'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "show" -d 'Print one kept request (the exact body, never the key)'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "drop" -d 'Delete one kept request without sending it'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "flush" -d 'Send every kept request again, with its original body and idempotency key'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "retry" -d 'Put requests the API refused (outbox/failed/) back in the outbox, history kept'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "migrate" -d 'Bring the database\'s schema to the version this mcnotify writes (each run also does at its first connection); says the version before and after'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print each setting with its source (flag, environment variable, config file and line, or default), the key redacted, and the state directory with its permissions'
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions" -f
complete -c mcnotify -n "__fish_mcnotify_using_subcommand completions; and not __fish_seen_subcommand_from bash elvish fish powershell zsh" -f -a "bash elvish fish powershell zsh"
