#!/usr/bin/env bash
#
#//! benches/run.sh: the quality bars listed in README.md ("Benchmark", with the
#//! figures measured so far), measured in one run.
#//!
#//! Usage: benches/run.sh            (from anywhere; it builds what it needs)
#//!        RUNS=50 JOBS=8 benches/run.sh
#//!
#//! Every figure is measured against the project's stand-in for MailingCore
#//! (examples/standin.rs serving tests/cli/support/standin.rs on loopback, plain HTTP) and
#//! compared with a baseline taken in the same run, on the same machine, so the ratios
#//! hold on a noisy shared machine where the absolute times do not:
#//!
#//!   a. one `mcnotify send --file examples/incidents/guide.json` against `curl` POSTing
#//!      the same body (`mcnotify preview --format json`) to the same endpoint: median
#//!      wall time of RUNS runs each; both are idempotent replays (same key, after a first
#//!      accepted send), so the server does the same work for both.      target <= 1.1
#//!   b. `mcnotify preview --file examples/incidents/guide.json` against `cat` of the same
#//!      file: median wall time of RUNS runs each.                         target <= 1.6
#//!   c. RECORDS incidents from NDJSON (distinct conversation ids, so distinct keys) with
#//!      `mcnotify send --jobs JOBS -q`: requests per second, against wrk POSTing the same
#//!      body with distinct keys over JOBS connections; median of REPS runs. target >= 0.5
#//!   d. RATE_N incidents against a stand-in limiting to RATE_L requests per RATE_W s
#//!      (fixed windows): the elapsed time against the least the server allows,
#//!      (ceil(N/L) - 1) * W minus how far into its first window the run started, and the
#//!      429s the server gave (from its own counts).       target <= 1.1, 429s <= 1 %
#//!   e. peak RSS (/usr/bin/time -f %M) of `mcnotify send --dry-run` over 1 000 and
#//!      100 000 NDJSON records.                       target ratio <= 1.5, under 32 MiB
#//!   f. the client's own cost: RECORDS sends with --jobs NGINX_JOBS against nginx answering
#//!      201 with quota headers (far faster than the stand-in), mcnotify and wrk pinned to
#//!      CPU 0 and nginx to CPU 1 (taskset), every record journaled; and the peak RSS of
#//!      100 000 real sends against that of 1 000, each on an empty state directory; and,
#//!      for information, that of 100 000 replays over a journal of the same 100 000 keys.
#//!                                                  target >= 0.4 x wrk; RSS ratio <= 1.1
#//!   g. `mcnotify serve` in front of nginx and of the stand-in: the latency it adds, median
#//!      and p99 of `POST /v1/incidents` (201, distinct incidents) over one connection
#//!      (`wrk -t1 -c1 --latency`) minus those of the same body POSTed to the endpoint
#//!      directly.                                  target <= 1 ms median, <= 5 ms p99
#//!   h. `serve` in front of nginx under `wrk -t2 -c32` (distinct incidents): requests per
#//!      second against wrk POSTing the same body to nginx directly, and serve's peak RSS
#//!      (VmHWM).                                    target >= 0.5 x wrk, RSS < 64 MiB
#//!
#//! Needs: cargo, curl, jq, wrk, GNU time (/usr/bin/time); hyperfine if present (else a
#//! plain timing loop); nginx and taskset for f (skipped without them).
#//! On Debian/Ubuntu: apt-get install curl jq hyperfine wrk time nginx-light
#//! Not part of CI: it takes about a minute and its figures depend on the machine.

set -euo pipefail

RUNS=${RUNS:-30}
REPS=${REPS:-3}
JOBS=${JOBS:-4}
RECORDS=${RECORDS:-10000}
WRK_SECS=${WRK_SECS:-2}
RATE_N=${RATE_N:-60}
RATE_L=${RATE_L:-20}
RATE_W=${RATE_W:-1}
NGINX_JOBS=${NGINX_JOBS:-8}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

missing=()
for tool in cargo curl jq wrk /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "benches/run.sh: missing: ${missing[*]}" >&2
    echo "install them with: apt-get install curl jq wrk time (and hyperfine, optional)" >&2
    exit 1
fi
have_hyperfine=false
if command -v hyperfine >/dev/null 2>&1; then
    have_hyperfine=true
else
    echo "note: hyperfine not found (apt-get install hyperfine); timing with a plain loop" >&2
fi

echo "building (release)..." >&2
cargo build --release --locked --quiet --bins --examples
target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
mcnotify="$target_dir/release/mcnotify"
standin="$target_dir/release/examples/standin"
guide="$root/examples/incidents/guide.json"

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# start_standin NAME [ARGS...]: starts a stand-in, sets $url; counts go to $work/NAME.json.
start_standin() {
    local name=$1
    shift
    "$standin" --stats-file "$work/$name.json" "$@" >"$work/$name.url" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 100); do
        [[ -s $work/$name.url && -s $work/$name.json ]] && break
        sleep 0.05
    done
    url=$(head -n1 "$work/$name.url")
    [[ $url == http://* ]] || { echo "stand-in $name did not start" >&2; exit 1; }
}

# counts NAME JQ: one figure from a stand-in's counts (fresh: they are written every 100 ms).
counts() {
    sleep 0.25
    jq -r "$2" "$work/$1.json"
}

# config URL: a config for mcnotify against that stand-in, with its own state directory.
# config BASE_URL NAME [STATE_DIR]: a config file sending to BASE_URL, its state in
# STATE_DIR (default: the run's shared one); prints its path.
config() {
    local state=${3:-$work/state}
    mkdir -p "$state"
    printf 'to = "helpdesk@example.com"\nbase_url = "%s"\nstate_dir = "%s"\n' \
        "$1" "$state" >"$work/config-$2.toml"
    echo "$work/config-$2.toml"
}

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# median_wall NAME CMD...: median wall seconds of RUNS runs (after 3 warm-ups).
median_wall() {
    local name=$1
    shift
    if $have_hyperfine; then
        hyperfine -N --style none --warmup 3 --runs "$RUNS" \
            --export-json "$work/$name.hf.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        jq -r '.results[0].median' "$work/$name.hf.json"
    else
        for _ in 1 2 3; do "$@" >/dev/null 2>&1; done
        for _ in $(seq "$RUNS"); do
            local t0 t1
            t0=$(now)
            "$@" >/dev/null 2>&1
            t1=$(now)
            calc "$t1 - $t0" 6
            echo
        done | median
    fi
}

# ndjson N PREFIX FILE: N copies of the guide incident, conversation ids PREFIX0..
ndjson() {
    jq -c --argjson n "$1" --arg p "$2" \
        '. as $t | range($n) | . as $i | $t | .conversationId = "\($p)\($i)"' "$guide" >"$3"
}

export MAILINGCORE_API_KEY=mc_test_0123456789abcdefghijklmn
unset MAILINGCORE_API_KEY_FILE MAILINGCORE_BASE_URL MAILINGCORE_TENANT_ID MCNOTIFY_PROFILE MCNOTIFY_TO
rows=()
row() { rows+=("$(printf '%s|%s|%s|%s|%s|%s' "$@")"); }
verdict() { awk "BEGIN { exit !($1) }" && echo pass || echo FAIL; }

# --- a and b: one send against curl, preview against cat --------------------------------
start_standin main
main_url=$url
export MCNOTIFY_CONFIG
MCNOTIFY_CONFIG=$(config "$main_url" main)
"$mcnotify" preview --file "$guide" --format json >"$work/body.json"
"$mcnotify" send -q --file "$guide" # accepted once; every timed send below is a replay
echo "a. one send vs curl ($RUNS runs each)..." >&2
send_s=$(median_wall send "$mcnotify" send -q --file "$guide")
curl_s=$(median_wall curl curl -sS -o /dev/null -X POST "$main_url/emails/send" \
    -H "Authorization: Bearer $MAILINGCORE_API_KEY" -H "Content-Type: application/json" \
    --data-binary "@$work/body.json")
ratio=$(calc "$send_s / $curl_s" 2)
row "a. one send (replay), median" "$(calc "$send_s * 1000" 2) ms" "curl $(calc "$curl_s * 1000" 2) ms" "$ratio" "<= 1.1" "$(verdict "$ratio <= 1.1")"

echo "b. preview vs cat ($RUNS runs each)..." >&2
preview_s=$(median_wall preview "$mcnotify" preview --file "$guide")
cat_s=$(median_wall cat cat "$guide")
ratio=$(calc "$preview_s / $cat_s" 2)
row "b. preview, median" "$(calc "$preview_s * 1000" 2) ms" "cat $(calc "$cat_s * 1000" 2) ms" "$ratio" "<= 1.6" "$(verdict "$ratio <= 1.6")"

# --- c: throughput against wrk ------------------------------------------------------------
echo "c. $RECORDS sends with --jobs $JOBS vs wrk -c $JOBS ($REPS runs each)..." >&2
cat >"$work/post.lua" <<EOF
local body = io.open("$work/body.json"):read("*a"):gsub("%s+$", "")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $MAILINGCORE_API_KEY"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
-- BENCH_RUN names the run, so that no run repeats an earlier run's keys
local run = os.getenv("BENCH_RUN") or "0"
function request()
  n = n + 1
  local b = body:gsub('"idempotencyKey":"[^"]*"', '"idempotencyKey":"wrk-' .. run .. '-' .. tid .. '-' .. n .. '"')
  return wrk.format(nil, nil, nil, b)
end
EOF
start_standin load
load_url=$url
MCNOTIFY_CONFIG=$(config "$load_url" load)
wrk_threads=$((JOBS < 2 ? JOBS : 2))
: >"$work/ours.txt"
: >"$work/wrk.txt"
for rep in $(seq "$REPS"); do
    ndjson "$RECORDS" "conv_load${rep}_" "$work/load.ndjson"
    before=$(counts load .accepted)
    t0=$(now)
    "$mcnotify" send --file "$work/load.ndjson" --jobs "$JOBS" -q
    t1=$(now)
    after=$(counts load .accepted)
    if ((after - before != RECORDS)); then
        echo "c: the stand-in accepted $((after - before)) of $RECORDS" >&2
        exit 1
    fi
    calc "$RECORDS / ($t1 - $t0)" 0 >>"$work/ours.txt"
    echo >>"$work/ours.txt"
    BENCH_RUN=c$rep wrk -t "$wrk_threads" -c "$JOBS" -d "${WRK_SECS}s" -s "$work/post.lua" "$load_url/emails/send" >"$work/wrk.out"
    if grep -q 'Non-2xx' "$work/wrk.out"; then
        echo "c: wrk got errors:" >&2
        cat "$work/wrk.out" >&2
        exit 1
    fi
    awk '/^Requests\/sec/ { print $2 }' "$work/wrk.out" >>"$work/wrk.txt"
done
kill "${pids[-1]}" # this stand-in remembers every key wrk sent: free it now
ours=$(median <"$work/ours.txt")
theirs=$(median <"$work/wrk.txt")
ratio=$(calc "$ours / $theirs" 2)
row "c. $RECORDS sends, --jobs $JOBS" "$(calc "$ours" 0) req/s" "wrk $(calc "$theirs" 0) req/s" "$ratio" ">= 0.5" "$(verdict "$ratio >= 0.5")"

# --- d: pacing under a fixed-window rate limit --------------------------------------------
echo "d. $RATE_N sends under $RATE_L per ${RATE_W}s ($REPS runs)..." >&2
start_standin rate --rate-limit "$RATE_L/$RATE_W"
MCNOTIFY_CONFIG=$(config "$url" rate)
window_ms=$(calc "$RATE_W * 1000" 0)
: >"$work/rate.txt"
for rep in $(seq "$REPS"); do
    ndjson "$RATE_N" "conv_rate${rep}_" "$work/rate.ndjson"
    # start early in a window (windows are aligned to the epoch), then count the offset
    sleep 1.1 # a window of its own after the previous run
    while (($(date +%s%3N) % window_ms > 20 || $(date +%s%3N) % window_ms < 5)); do sleep 0.002; done
    t0=$(now)
    "$mcnotify" send --file "$work/rate.ndjson" -q
    t1=$(now)
    offset=$(calc "($t0 * 1000) % $window_ms / 1000" 6)
    least=$(calc "(int(($RATE_N + $RATE_L - 1) / $RATE_L) - 1) * $RATE_W - $offset" 6)
    calc "($t1 - $t0) / $least" 4 >>"$work/rate.txt"
    echo >>"$work/rate.txt"
    echo "   run $rep: $(calc "$t1 - $t0") s, least $least s" >&2
done
rate_ratio=$(median <"$work/rate.txt")
sent=$(counts rate .requests)
got429=$(counts rate '.statuses["429"] // 0')
accepted=$(counts rate .accepted)
if ((accepted != RATE_N * REPS)); then
    echo "d: the stand-in accepted $accepted of $((RATE_N * REPS))" >&2
    exit 1
fi
least=$(calc "(int(($RATE_N + $RATE_L - 1) / $RATE_L) - 1) * $RATE_W")
row "d. $RATE_N sends at $RATE_L/${RATE_W}s, elapsed" "x$rate_ratio" "least ~${least} s" "$(calc "$rate_ratio" 2)" "<= 1.1" "$(verdict "$rate_ratio <= 1.1")"
pct=$(calc "100 * $got429 / $sent" 2)
row "d. 429s received" "$got429 of $sent" "0" "$pct %" "<= 1 %" "$(verdict "$pct <= 1")"

# --- e: memory over 1 000 and 100 000 records ------------------------------------------------
echo "e. peak RSS of send --dry-run over 1 000 and 100 000 records..." >&2
ndjson 1000 conv_small_ "$work/small.ndjson"
ndjson 100000 conv_big_ "$work/big.ndjson"
rss() {
    for _ in $(seq "$REPS"); do
        /usr/bin/time -f %M -o "$work/rss" "$mcnotify" send --dry-run -q --file "$1" >/dev/null
        cat "$work/rss"
    done | median
}
small_kb=$(rss "$work/small.ndjson")
big_kb=$(rss "$work/big.ndjson")
ratio=$(calc "$big_kb / $small_kb" 2)
row "e. peak RSS, 100 000 records" "$(calc "$big_kb / 1024" 1) MiB" "1 000: $(calc "$small_kb / 1024" 1) MiB" "$ratio" "<= 1.5, < 32 MiB" "$(verdict "$ratio <= 1.5 && $big_kb < 32768")"

# --- f: the client's own cost, against nginx -----------------------------------------------
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [[ -x $nginx_bin ]] && command -v taskset >/dev/null 2>&1 && (($(nproc) >= 2)); then
    echo "f. $RECORDS sends with --jobs $NGINX_JOBS against nginx vs wrk ($REPS runs each)..." >&2
    port=18080
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    keepalive_requests 10000000;
    server {
        listen 127.0.0.1:$port;
        location / {
            client_body_buffer_size 64k;
            add_header X-Quota-Limit 10000000 always;
            add_header X-Quota-Used 1 always;
            add_header X-Quota-Remaining 9999999 always;
            default_type application/json;
            return 201 '{"id":"log_nginx","status":"QUEUED"}';
        }
    }
}
CONF
    taskset -c 1 "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/start.err" &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && break
        sleep 0.05
    done
    nginx_url="http://127.0.0.1:$port"
    # nginx does not look at keys: one body, so that wrk spends nothing building requests.
    cat >"$work/post-static.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $MAILINGCORE_API_KEY"
wrk.body = io.open("$work/body.json"):read("*a"):gsub("%s+$", "")
LUA
    MCNOTIFY_CONFIG=$(config "$nginx_url" nginx)
    : >"$work/ours-nginx.txt"
    : >"$work/wrk-nginx.txt"
    for rep in $(seq "$REPS"); do
        ndjson "$RECORDS" "conv_nginx${rep}_" "$work/nginx.ndjson"
        lines_before=$(wc -l <"$work/state/journal.jsonl")
        t0=$(now)
        taskset -c 0 "$mcnotify" send --file "$work/nginx.ndjson" --jobs "$NGINX_JOBS" -q
        t1=$(now)
        lines=$(($(wc -l <"$work/state/journal.jsonl") - lines_before))
        if ((lines != RECORDS)); then
            echo "f: $lines journal lines for $RECORDS sends" >&2
            exit 1
        fi
        calc "$RECORDS / ($t1 - $t0)" 0 >>"$work/ours-nginx.txt"
        echo >>"$work/ours-nginx.txt"
        taskset -c 0 wrk -t 2 -c "$NGINX_JOBS" -d "${WRK_SECS}s" -s "$work/post-static.lua" \
            "$nginx_url/emails/send" >"$work/wrk-nginx.out"
        awk '/^Requests\/sec/ { print $2 }' "$work/wrk-nginx.out" >>"$work/wrk-nginx.txt"
    done
    ours=$(median <"$work/ours-nginx.txt")
    theirs=$(median <"$work/wrk-nginx.txt")
    ratio=$(calc "$ours / $theirs" 2)
    row "f. $RECORDS sends to nginx, --jobs $NGINX_JOBS" "$(calc "$ours" 0) req/s" "wrk $(calc "$theirs" 0) req/s" "$ratio" ">= 0.4" "$(verdict "$ratio >= 0.4")"
    # sent_rss FILE [KEEP]: the median peak RSS of sending FILE, each run on an empty state
    # directory (what the run itself holds), or with KEEP on one that keeps every earlier
    # run's journal (what an index of the journal's history adds).
    sent_rss() {
        local rep
        for rep in $(seq "$REPS"); do
            local state="$work/rss-state-$(basename "$1")"
            [[ -n ${2:-} ]] || state="$state-$rep"
            MCNOTIFY_CONFIG=$(config "$nginx_url" rss "$state") /usr/bin/time -f %M -o "$work/rss" \
                taskset -c 0 "$mcnotify" send --jobs "$NGINX_JOBS" -q --file "$1" >/dev/null
            cat "$work/rss"
        done | median
    }
    small_kb=$(sent_rss "$work/small.ndjson")
    big_kb=$(sent_rss "$work/big.ndjson")
    ratio=$(calc "$big_kb / $small_kb" 2)
    row "f. peak RSS, 100 000 sends" "$(calc "$big_kb / 1024" 1) MiB" "1 000: $(calc "$small_kb / 1024" 1) MiB" "$ratio" "<= 1.1" "$(verdict "$ratio <= 1.1")"
    # The same 100 000 records again, three times over one journal: the later runs are
    # replays, and the index of the journal's history holds every earlier key.
    kept_kb=$(sent_rss "$work/big.ndjson" keep)
    row "f. peak RSS, 100 000 replays" "$(calc "$kept_kb / 1024" 1) MiB" "empty journal: $(calc "$big_kb / 1024" 1) MiB" "$(calc "$kept_kb / $big_kb" 2)" "-" "-"

    # --- g and h: serve in front of nginx and of the stand-in ---------------------------
    # start_serve NAME BASE_URL: `serve --listen 127.0.0.1:0` against BASE_URL; sets $serve_url
    # and $serve_pid.
    start_serve() {
        MCNOTIFY_CONFIG=$(config "$2" "serve-$1" "$work/serve-$1") MCNOTIFY_SERVE_TOKEN=bench-token-0123456789abcdef \
            "$mcnotify" serve --listen 127.0.0.1:0 2>"$work/serve-$1.log" >/dev/null &
        serve_pid=$!
        pids+=("$serve_pid")
        serve_url=
        for _ in $(seq 200); do
            serve_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve-$1.log" | head -1 || true)
            [[ -n $serve_url ]] && break
            sleep 0.05
        done
        [[ -n $serve_url ]] || { cat "$work/serve-$1.log" >&2; exit 1; }
    }
    # distinct incidents (conversation ids), so every request is a first send (201)
    cat >"$work/post-serve.lua" <<LUA
local body = io.open("$guide"):read("*a")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token-0123456789abcdef"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
-- BENCH_RUN names the run, so that no run repeats an earlier run's keys
local run = os.getenv("BENCH_RUN") or "0"
function request()
  n = n + 1
  local b = body:gsub('"conversationId"%s*:%s*"[^"]*"', '"conversationId": "wrk-' .. run .. '-' .. tid .. '-' .. n .. '"')
  return wrk.format(nil, nil, nil, b)
end
LUA
    # wrk_ms FILE PERCENT: a latency percentile of `wrk --latency` output, in ms.
    wrk_ms() {
        awk -v p="$2%" '$1 == p {
            v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v)
            if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
            print v; exit }' "$1"
    }
    # no_errors FILE WHAT: wrk saw only 2xx answers.
    no_errors() {
        if grep -q 'Non-2xx\|Socket errors' "$1"; then
            echo "$2: wrk got errors:" >&2
            cat "$1" >&2
            exit 1
        fi
    }
    echo "g. added latency of serve, one connection (${WRK_SECS}s each, $REPS runs)..." >&2
    start_serve nginx "$nginx_url"
    nginx_serve_url=$serve_url
    nginx_serve_pid=$serve_pid
    start_standin serve-api --quota 1000000000:0
    start_serve standin "$url"
    standin_serve_url=$serve_url
    for target in nginx standin; do
        if [[ $target == nginx ]]; then
            through=$nginx_serve_url
            direct=$nginx_url
        else
            through=$standin_serve_url
            direct=$url
        fi
        if [[ $target == nginx ]]; then direct_lua=post-static.lua; else direct_lua=post.lua; fi
        # REPS runs of each, alternating, so that one noisy run moves neither side alone.
        for rep in $(seq "$REPS"); do
            BENCH_RUN=g-$target-$rep wrk -t1 -c1 -d "${WRK_SECS}s" --latency -s "$work/post-serve.lua" "$through/v1/incidents" >"$work/g-$target-serve-$rep.out"
            no_errors "$work/g-$target-serve-$rep.out" "g ($target through serve)"
            BENCH_RUN=g-$target-$rep wrk -t1 -c1 -d "${WRK_SECS}s" --latency -s "$work/$direct_lua" "$direct/emails/send" >"$work/g-$target-direct-$rep.out"
            no_errors "$work/g-$target-direct-$rep.out" "g ($target directly)"
        done
        for pct in 50 99; do
            ours=$(for rep in $(seq "$REPS"); do wrk_ms "$work/g-$target-serve-$rep.out" "$pct"; done | median)
            theirs=$(for rep in $(seq "$REPS"); do wrk_ms "$work/g-$target-direct-$rep.out" "$pct"; done | median)
            added=$(calc "$ours - $theirs" 2)
            if ((pct == 50)); then bar=1; else bar=5; fi
            row "g. added latency p$pct, $target" "$(calc "$ours" 2) ms" "direct $(calc "$theirs" 2) ms" "$(awk -v a="$added" 'BEGIN { printf "%+.2f", a }') ms" "<= $bar ms" "$(verdict "$added <= $bar")"
        done
    done
    echo "h. serve in front of nginx, wrk -c32 (${WRK_SECS}s each, $REPS runs)..." >&2
    : >"$work/h-serve.txt"
    : >"$work/h-direct.txt"
    for rep in $(seq "$REPS"); do
        BENCH_RUN=h$rep wrk -t2 -c32 -d "${WRK_SECS}s" -s "$work/post-serve.lua" "$nginx_serve_url/v1/incidents" >"$work/h-serve.out"
        no_errors "$work/h-serve.out" "h (through serve)"
        awk '/^Requests\/sec/ { print $2 }' "$work/h-serve.out" >>"$work/h-serve.txt"
        wrk -t2 -c32 -d "${WRK_SECS}s" -s "$work/post-static.lua" "$nginx_url/emails/send" >"$work/h-direct.out"
        awk '/^Requests\/sec/ { print $2 }' "$work/h-direct.out" >>"$work/h-direct.txt"
    done
    ours=$(median <"$work/h-serve.txt")
    theirs=$(median <"$work/h-direct.txt")
    ratio=$(calc "$ours / $theirs" 2)
    row "h. serve before nginx, -c32" "$(calc "$ours" 0) req/s" "wrk $(calc "$theirs" 0) req/s" "$ratio" ">= 0.5" "$(verdict "$ratio >= 0.5")"
    hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$nginx_serve_pid/status")
    row "h. serve peak RSS" "$(calc "$hwm_kb / 1024" 1) MiB" "-" "-" "< 64 MiB" "$(verdict "$hwm_kb < 65536")"
else
    echo "f, g, h skipped: need nginx (apt-get install nginx-light), taskset and 2 cores" >&2
fi

# --- the table ----------------------------------------------------------------------------
echo
echo "mcnotify benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m)"
echo "(medians; RUNS=$RUNS REPS=$REPS JOBS=$JOBS RECORDS=$RECORDS)"
echo
{
    echo "figure|measured|baseline|ratio|target|result"
    printf '%s\n' "${rows[@]}"
} | column -t -s '|'
