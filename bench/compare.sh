#!/usr/bin/env bash
# bench/compare.sh — herald against the Go seed and a Node server, one after
# another, under identical scenarios and the same herald-bench settings; prints
# a markdown table with each peer's figure as a ratio of herald's.
#
#   bench/compare.sh              the full comparison (about 15 minutes)
#   bench/compare.sh --quick      a smoke run: smaller counts, short windows (about 5 minutes)
#
# Options:
#   --build-dir DIR    release build to use/make (default: build/bench-rel)
#   --out DIR          where the per-run JSON and logs go (default: BUILD/compare-DATE)
#   --peers LIST       comma-separated subset of herald,go,node (default: all)
#   --scenarios LIST   comma-separated subset of 1,2,3,4,5 (default: all)
#   --window SECONDS   override the steady window of scenarios 1 and 3
#
# Everything runs on loopback; every process the script starts is killed on
# exit. Needs: cmake, a C++ compiler, go (golang-go), node, jq
# (scripts/install-deps --bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/bench-rel
OUT=""
QUICK=0
PEERS="herald,go,node"
SCENARIOS="1,2,3,4,5"
WINDOW=""
COMMAND="bench/compare.sh $*"
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --build-dir) BUILD=$(realpath -m "$2"); shift ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --peers) PEERS=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
OUT=${OUT:-$BUILD/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

for tool in cmake go node jq; do
    command -v $tool >/dev/null || { echo "compare.sh: $tool not found: run scripts/install-deps --bench" >&2; exit 2; }
done

# --- scenario sizes -----------------------------------------------------------
if [ $QUICK = 1 ]; then
    S1_STREAMS=2000 S1_WINDOW=10 S2_STREAMS=2000 S2_WINDOW=8 S3_STREAMS=5000 S3_WINDOW=5
    S3_HERALD_STREAMS=20000 S3_HERALD_PROCS=2 S4_STREAMS=2000 S5_STREAMS=2000 WARMUP=2s
else
    S1_STREAMS=10000 S1_WINDOW=60 S2_STREAMS=10000 S2_WINDOW=30 S3_STREAMS=19900 S3_WINDOW=20
    S3_HERALD_STREAMS=100000 S3_HERALD_PROCS=6 S4_STREAMS=10000 S5_STREAMS=10000 WARMUP=5s
fi
if [ -n "$WINDOW" ]; then S1_WINDOW=$WINDOW; S3_WINDOW=$WINDOW; fi
S3_HERALD_WINDOW=$S1_WINDOW
PORT=${PORT:-18500}
SOURCES=127.0.0.2-127.0.0.9

# --- build --------------------------------------------------------------------
log() { echo "compare.sh: $*" >&2; }
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake --preset release -B "$BUILD" >"$OUT/cmake.log"
fi
log "building herald and herald-bench in $BUILD"
cmake --build "$BUILD" --target herald_app herald_bench >>"$OUT/cmake.log"
HERALD=$BUILD/app/herald
BENCH=$BUILD/bench/herald-bench
GO_SSE=$BUILD/bench/go-sse
log "building the Go seed"
(cd "$ROOT/bench/peers/go" &&
    GOCACHE=$BUILD/go-cache GOPATH=$BUILD/go-path GOFLAGS=-mod=mod GO111MODULE=on \
        go build -o "$GO_SSE" .)
NODE_SERVER=$ROOT/bench/peers/node/server.js

# --- process management ---------------------------------------------------------
STARTED=()
cleanup() {
    for pid in "${STARTED[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SERVER_PIDS=()
# start_server NAME INTERVAL [herald options...]
start_server() {
    local name=$1 interval=$2
    shift 2
    SERVER_PIDS=()
    case $name in
    herald)
        "$HERALD" --host 127.0.0.1 --port $PORT --interval "$interval" --threads 2 \
            --log-level warn "$@" 2>>"$OUT/server-$name.log" &
        SERVER_PIDS=($!) ;;
    herald-multi)
        # Several single-threaded processes sharing the port with SO_REUSEPORT:
        # each stays under the 20,000-descriptor limit of a process.
        local n=$1
        shift
        for _ in $(seq "$n"); do
            "$HERALD" --host 127.0.0.1 --port $PORT --interval "$interval" --threads 1 \
                --reuse-port --log-level warn "$@" 2>>"$OUT/server-$name.log" &
            SERVER_PIDS+=($!)
        done ;;
    go)
        "$GO_SSE" -addr 127.0.0.1:$PORT -interval "$interval" -quiet 2>>"$OUT/server-$name.log" &
        SERVER_PIDS=($!) ;;
    node)
        node "$NODE_SERVER" -addr 127.0.0.1:$PORT -interval "$interval" -quiet \
            2>>"$OUT/server-$name.log" &
        SERVER_PIDS=($!) ;;
    esac
    STARTED+=("${SERVER_PIDS[@]}")
    local deadline=$((SECONDS + 15))
    until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { log "$name did not start listening"; return 1; }
        sleep 0.1
    done
}

# stop_server: SIGTERM, then SIGKILL after 10 s.
stop_server() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    local deadline=$((SECONDS + 10))
    for pid in "${SERVER_PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
    # Let the loopback settle (TIME_WAIT, freed memory) before the next run.
    sleep 2
}

server_pid_args() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do printf -- '--server-pid %s ' "$pid"; done
}

# run_bench FILE URL-PATH [bench options...] — JSON to $OUT/FILE.json
run_bench() {
    local file=$1
    shift
    log "  herald-bench $*"
    # shellcheck disable=SC2046
    "$BENCH" "http://127.0.0.1:$PORT/sse" --json --no-progress --source-addrs $SOURCES \
        $(server_pid_args) "$@" >"$OUT/$file.json" 2>"$OUT/$file.err" || true
}

want_peer() { [[ ",$PEERS," == *",$1,"* ]]; }
want_scenario() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
peers() { for p in herald go node; do want_peer $p && echo $p; done; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')

# --- the scenarios --------------------------------------------------------------
if want_scenario 1; then
    log "scenario 1: $S1_STREAMS streams, 1 s interval, ${S1_WINDOW}s window"
    for p in $(peers); do
        if [ $p = herald ]; then start_server herald 1s --timestamps; else start_server $p 1s; fi
        run_bench s1-$p --streams $S1_STREAMS --ramp 5000 --warmup $WARMUP \
            --duration ${S1_WINDOW}s --expect-interval 1s
        stop_server
    done
fi

if want_scenario 2; then
    log "scenario 2: saturation, $S2_STREAMS streams, 100 ms interval, ${S2_WINDOW}s window"
    for p in $(peers); do
        start_server $p 100ms
        # A long connect timeout: streams that arrive while the server is
        # saturated must still open, or the offered load differs per server.
        run_bench s2-$p --streams $S2_STREAMS --ramp 5000 --warmup $WARMUP \
            --duration ${S2_WINDOW}s --expect-interval 100ms --timeout 60s
        stop_server
    done
fi

if want_scenario 3; then
    log "scenario 3: $S3_STREAMS streams on one server process, 10 s interval"
    for p in $(peers); do
        start_server $p 10s
        run_bench s3-$p --streams $S3_STREAMS --processes 2 --ramp 5000 --warmup $WARMUP \
            --duration ${S3_WINDOW}s --expect-interval 10s --timeout 20s
        stop_server
    done
    if want_peer herald; then
        log "scenario 3b: herald, $S3_HERALD_STREAMS streams on $S3_HERALD_PROCS processes (SO_REUSEPORT)"
        start_server herald-multi 10s $S3_HERALD_PROCS
        run_bench s3b-herald --streams $S3_HERALD_STREAMS --processes $S3_HERALD_PROCS \
            --ramp 10000 --warmup $WARMUP --duration ${S3_HERALD_WINDOW}s --expect-interval 10s \
            --timeout 20s
        stop_server
    fi
fi

if want_scenario 4; then
    log "scenario 4: connection storm, $S4_STREAMS streams as fast as possible"
    for p in $(peers); do
        start_server $p 1s
        run_bench s4-$p --streams $S4_STREAMS --ramp 0 --warmup 0 --duration 1s --timeout 20s
        stop_server
    done
fi

if want_scenario 5; then
    log "scenario 5: SIGTERM with $S5_STREAMS streams open"
    for p in $(peers); do
        start_server $p 1s
        pid=${SERVER_PIDS[0]}
        "$BENCH" "http://127.0.0.1:$PORT/sse" --json --no-progress --source-addrs $SOURCES \
            --streams $S5_STREAMS --ramp 5000 --warmup 0 --duration 60s --expect-end \
            --timeout 20s >"$OUT/s5-$p.json" 2>"$OUT/s5-$p.err" &
        bench_pid=$!
        STARTED+=($bench_pid)
        # Wait until the server holds every stream (its descriptors say so),
        # then give the streams a couple of events before the signal.
        deadline=$((SECONDS + 60))
        while [ "$(ls /proc/$pid/fd 2>/dev/null | wc -l)" -lt "$S5_STREAMS" ] && [ $SECONDS -lt $deadline ]; do
            sleep 0.2
        done
        sleep 2
        t_kill=$(date +%s%6N)
        kill -TERM "$pid"
        status=0
        wait "$pid" || status=$?
        t_exit=$(date +%s%6N)
        wait $bench_pid || true
        echo "{\"kill_unix_us\": $t_kill, \"exit_unix_us\": $t_exit, \"exit_status\": $status}" >"$OUT/s5-$p.shutdown.json"
        SERVER_PIDS=()
        sleep 2
    done
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table -----------------------------------------------------------------
# j FILE FILTER: a number from a run's JSON, or "" if the run is missing.
j() {
    [ -s "$OUT/$1.json" ] || { echo ""; return; }
    jq -r "$2 // empty" "$OUT/$1.json" 2>/dev/null || echo ""
}
# ratio PEER HERALD: peer / herald, 2 decimals.
ratio() {
    if [ -z "$1" ] || [ -z "$2" ]; then echo "–"; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "–"; else printf "%.2f×\n", a / b }'
}
fmt() {
    [ -n "$1" ] || { echo "–"; return; }
    awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f\n", d, v }'
}
# row LABEL FILE-PREFIX FILTER DECIMALS [noratio]
row() {
    local label=$1 prefix=$2 filter=$3 dec=${4:-1} noratio=${5:-}
    local h g n
    h=$(j $prefix-herald "$filter")
    g=$(j $prefix-go "$filter")
    n=$(j $prefix-node "$filter")
    if [ -n "$noratio" ]; then
        echo "| $label | $(fmt "$h" $dec) | $(fmt "$g" $dec) | $(fmt "$n" $dec) | | |"
    else
        echo "| $label | $(fmt "$h" $dec) | $(fmt "$g" $dec) | $(fmt "$n" $dec) | $(ratio "$g" "$h") | $(ratio "$n" "$h") |"
    fi
}
header() {
    echo
    echo "**$1**"
    echo
    echo "| | herald | Go seed | Node | Go / herald | Node / herald |"
    echo "|---|---:|---:|---:|---:|---:|"
}
shutdown_field() {
    local p=$1 what=$2
    [ -s "$OUT/s5-$p.shutdown.json" ] || { echo ""; return; }
    local kill_us exit_us last_us
    kill_us=$(jq -r .kill_unix_us "$OUT/s5-$p.shutdown.json")
    exit_us=$(jq -r .exit_unix_us "$OUT/s5-$p.shutdown.json")
    last_us=$(j s5-$p '.ended.last_unix_us')
    case $what in
    exit_ms) awk -v a="$exit_us" -v b="$kill_us" 'BEGIN { printf "%.1f\n", (a - b) / 1000 }' ;;
    last_end_ms) [ -n "$last_us" ] && awk -v a="$last_us" -v b="$kill_us" 'BEGIN { printf "%.1f\n", (a - b) / 1000 }' ;;
    esac
}

{
    echo "## herald vs the Go seed vs Node — $START_DATE"
    echo
    echo "- command: \`$COMMAND\`"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
    echo "- load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end"
    echo "- herald: \`--threads 2 --log-level warn\` (+ \`--timestamps\` in scenario 1); Go: GOMAXPROCS=$(nproc) (default), \`-quiet\`; Node $(node --version), \`-quiet\`"
    echo "- herald-bench: \`--source-addrs $SOURCES\`, 1 process × 1 thread unless stated; raw JSON in \`$OUT\`"
    if want_scenario 1; then
        header "1. $S1_STREAMS streams × 1 s interval, ${S1_WINDOW} s steady window"
        row "server RSS added per stream (KiB)" s1 .server.kib_per_stream 2
        row "server RSS total / streams (KiB)" s1 .server.total_kib_per_stream 2
        row "server CPU per event (µs)" s1 .server.cpu_us_per_event 2
        row "events/s" s1 .window.events_per_s 0
        row "p99 lateness vs scheduled time (µs)" s1 '(if .latency_us.count > 0 then .latency_us.p99 else null end)' 0
        row "p99 gap jitter \|gap − 1 s\| (µs)" s1 .jitter_us.p99 0
        row "p99.9 gap jitter (µs)" s1 .jitter_us.p999 0
        row "errors" s1 .errors.total 0 noratio
        row "bench CPU per event (µs)" s1 .bench.cpu_us_per_event 2
    fi
    if want_scenario 2; then
        header "2. saturation: $S2_STREAMS streams × 100 ms ($((S2_STREAMS * 10)) events/s requested), ${S2_WINDOW} s window"
        row "events/s delivered" s2 .window.events_per_s 0
        row "server CPU per event (µs)" s2 .server.cpu_us_per_event 2
        row "server cores used" s2 .server.cores 2
        row "p99 gap jitter (µs)" s2 .jitter_us.p99 0
        row "streams opened" s2 .streams_opened 0 noratio
        row "errors" s2 .errors.total 0 noratio
        row "bench cores used" s2 '(.bench.window_cpu_s / .window.seconds)' 2
    fi
    if want_scenario 3; then
        header "3. $S3_STREAMS streams on one server process × 10 s interval (bench: 2 processes), ${S3_WINDOW} s window"
        row "streams opened" s3 .streams_opened 0 noratio
        row "streams open at the end" s3 .streams_open_at_end 0 noratio
        row "errors" s3 .errors.total 0 noratio
        row "server RSS (MiB)" s3 '(.server.rss_end_kib / 1024)' 1
        row "server RSS added per stream (KiB)" s3 .server.kib_per_stream 2
        row "time to open all (s)" s3 '(.all_opened_ms / 1000)' 2
        if want_peer herald; then
            echo
            echo "herald, $S3_HERALD_STREAMS streams on $S3_HERALD_PROCS processes sharing the port (\`--reuse-port --threads 1\`; bench: $S3_HERALD_PROCS processes, ramp 10000/s), ${S3_HERALD_WINDOW} s window:"
            echo "opened $(j s3b-herald .streams_opened), open at the end $(j s3b-herald .streams_open_at_end), errors $(j s3b-herald .errors.total) ($(j s3b-herald .first_error)), server RSS $(fmt "$(j s3b-herald '(.server.rss_end_kib / 1024)')" 1) MiB in all = $(fmt "$(j s3b-herald .server.kib_per_stream)" 2) KiB added per stream, $(fmt "$(j s3b-herald .window.events_per_s)" 0) events/s, p99 jitter $(fmt "$(j s3b-herald .jitter_us.p99)" 0) µs, bench RSS $(fmt "$(j s3b-herald '(.bench.rss_kib / 1024)')" 1) MiB over $S3_HERALD_PROCS processes."
        fi
    fi
    if want_scenario 4; then
        header "4. connection storm: $S4_STREAMS streams at once (\`--ramp 0\`)"
        row "time until all TCP-connected (ms)" s4 '(.connect_us.max / 1000)' 0
        row "time until all response heads (ms)" s4 .all_opened_ms 0
        row "p99 connect (ms)" s4 '(.connect_us.p99 / 1000)' 1
        row "p99 head (ms)" s4 '(.head_us.p99 / 1000)' 1
        row "errors" s4 .errors.total 0 noratio
    fi
    if want_scenario 5; then
        header "5. shutdown: SIGTERM with $S5_STREAMS streams open"
        h=$(shutdown_field herald exit_ms); g=$(shutdown_field go exit_ms); n=$(shutdown_field node exit_ms)
        echo "| time from SIGTERM to process exit (ms) | $(fmt "$h") | $(fmt "$g") | $(fmt "$n") | $(ratio "$g" "$h") | $(ratio "$n" "$h") |"
        h=$(shutdown_field herald last_end_ms); g=$(shutdown_field go last_end_ms); n=$(shutdown_field node last_end_ms)
        echo "| time from SIGTERM to the last client's end of stream (ms) | $(fmt "$h") | $(fmt "$g") | $(fmt "$n") | $(ratio "$g" "$h") | $(ratio "$n" "$h") |"
        row "streams that saw a clean end" s5 .ended.clean 0 noratio
        row "streams cut mid-event or reset" s5 '(.ended.unclean + .errors.total)' 0 noratio
        for p in $(peers); do
            [ -s "$OUT/s5-$p.shutdown.json" ] && echo "- $p exit status: $(jq -r .exit_status "$OUT/s5-$p.shutdown.json")"
        done
    fi
} | tee "$OUT/table.md"
