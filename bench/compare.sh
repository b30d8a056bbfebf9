#!/usr/bin/env bash
# bench/compare.sh — herald against its peers, one after another, under
# identical scenarios and the same herald-bench settings; prints markdown
# tables with each peer's figure as a ratio of herald's.
#
# Two families of scenarios:
#   1-5    the ticker (herald's /sse) against the Go seed and a Node server
#   h1-h5  the Mercure hub (herald's /.well-known/mercure) against nginx + nchan:
#          herald-bench publishes and the streams subscribe
#   c1     the cluster's cost: 3 nodes sharing a redis-server against one node,
#          herald and nginx + nchan in its Redis mode (bench/cluster/c1.sh)
#
#   bench/compare.sh              the full comparison (about 30 minutes)
#   bench/compare.sh --quick      a smoke run: smaller counts, short windows (about 8 minutes)
#
# Options:
#   --build-dir DIR    release build to use/make (default: build/bench-rel)
#   --out DIR          where the per-run JSON and logs go (default: BUILD/compare-DATE)
#   --peers LIST       comma-separated subset of herald,go,node,nchan (default: all)
#   --scenarios LIST   comma-separated subset of 1,2,3,4,5,h1,h2,h3,h4,h5,c1 (default: all)
#   --window SECONDS   override the steady window of scenarios 1, 3, h1 and h2
#   --no-build         use BUILD/app/herald and BUILD/bench/herald-bench as they are
#
# HUB_WORKERS (default 2) sets both hubs' worker count in h1-h5: herald's
# --threads and nginx's worker_processes.
#
# herald's hub scenarios need a herald with the hub (--publisher-jwt-key); a
# herald without it is skipped with a note. The publish token is an HS256 JWT
# made here with openssl (HUB_JWT_SECRET, HUB_JWT_ISS, HUB_JWT_AUD, HUB_JWT_TYP
# override its key and claims; HERALD_HUB_FLAGS adds herald flags).
#
# Everything runs on loopback; every process the script starts is stopped on
# exit. Needs: cmake, a C++ compiler, jq, and per peer go (golang-go), node,
# nginx + libnginx-mod-nchan, openssl (scripts/install-deps --bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/bench-rel
OUT=""
QUICK=0
PEERS="herald,go,node,nchan"
SCENARIOS="1,2,3,4,5,h1,h2,h3,h4,h5,c1"
WINDOW=""
NO_BUILD=0
COMMAND="bench/compare.sh $*"
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --build-dir) BUILD=$(realpath -m "$2"); shift ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --peers) PEERS=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --no-build) NO_BUILD=1 ;;
    -h | --help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
OUT=${OUT:-$BUILD/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

want_peer() { [[ ",$PEERS," == *",$1,"* ]]; }
want_scenario() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
need() { command -v "$1" >/dev/null || { echo "compare.sh: $1 not found: run scripts/install-deps --bench" >&2; exit 2; }; }
need cmake
need jq
want_peer go && need go
want_peer node && need node
want_peer nchan && need nginx
need openssl

# --- scenario sizes -----------------------------------------------------------
if [ $QUICK = 1 ]; then
    S1_STREAMS=2000 S1_WINDOW=10 S2_STREAMS=2000 S2_WINDOW=8 S3_STREAMS=5000 S3_WINDOW=5
    S3_HERALD_STREAMS=20000 S3_HERALD_PROCS=2 S4_STREAMS=2000 S5_STREAMS=2000 WARMUP=2s
    H1_STREAMS=2000 H1_WINDOW=10 H2_STREAMS=2000 H2_TOPICS=200 H2_RATE=200 H2_WINDOW=8
    H3_RATE=${H3_RATE:-200000} H3_WINDOW=5 H4_STREAMS=2000 H5_STREAMS=2000 H5_WINDOW=5
    H5_RATES="10 100 1000 3000 10000"
else
    S1_STREAMS=10000 S1_WINDOW=60 S2_STREAMS=10000 S2_WINDOW=30 S3_STREAMS=19900 S3_WINDOW=20
    S3_HERALD_STREAMS=100000 S3_HERALD_PROCS=6 S4_STREAMS=10000 S5_STREAMS=10000 WARMUP=5s
    H1_STREAMS=10000 H1_WINDOW=60 H2_STREAMS=10000 H2_TOPICS=1000 H2_RATE=1000 H2_WINDOW=30
    H3_RATE=${H3_RATE:-200000} H3_WINDOW=10 H4_STREAMS=10000 H5_STREAMS=10000 H5_WINDOW=10
    H5_RATES="10 30 100 300 1000 3000 10000 30000"
fi
H3_STREAMS=100 H3_PUBLISHERS=8 H3_PIPELINE=${H3_PIPELINE:-64} H4_REPLAY=100
H1_PUBLISHERS=4
if [ -n "$WINDOW" ]; then S1_WINDOW=$WINDOW; S3_WINDOW=$WINDOW; H1_WINDOW=$WINDOW; H2_WINDOW=$WINDOW; fi
S3_HERALD_WINDOW=$S1_WINDOW
PORT=${PORT:-18500}
SOURCES=127.0.0.2-127.0.0.9

# --- build --------------------------------------------------------------------
log() { echo "compare.sh: $*" >&2; }
if [ $NO_BUILD = 0 ]; then
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        cmake --preset release -B "$BUILD" >"$OUT/cmake.log"
    fi
    log "building herald and herald-bench in $BUILD"
    cmake --build "$BUILD" --target herald_app herald_bench >>"$OUT/cmake.log"
fi
HERALD=$BUILD/app/herald
BENCH=$BUILD/bench/herald-bench
GO_SSE=$BUILD/bench/go-sse
if want_peer go; then
    log "building the Go seed"
    (cd "$ROOT/bench/peers/go" &&
        GOCACHE=$BUILD/go-cache GOPATH=$BUILD/go-path GOFLAGS=-mod=mod GO111MODULE=on \
            go build -o "$GO_SSE" .)
fi
NODE_SERVER=$ROOT/bench/peers/node/server.js
NCHAN_PEER=$ROOT/bench/peers/nchan/nchan-peer.sh
NCHAN_RUN=$OUT/nchan-run

# --- the hub's token and URLs ---------------------------------------------------
HUB_JWT_SECRET=${HUB_JWT_SECRET:-herald-bench-secret-0123456789abcdef}
HUB_WORKERS=${HUB_WORKERS:-2}
HUB_URL=http://127.0.0.1:$PORT/.well-known/mercure
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# jwt_hs256 SECRET HEADER-JSON PAYLOAD-JSON
jwt_hs256() {
    local h p s
    h=$(printf '%s' "$2" | b64url)
    p=$(printf '%s' "$3" | b64url)
    s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac "$1" -binary | b64url)
    printf '%s.%s.%s' "$h" "$p" "$s"
}
# One token for draft-07 hubs (the `mercure` claim) and draft-08 ones (an
# RFC 9068 access token with a Mercure authorization detail).
now=$(date +%s)
HUB_TOKEN=$(jwt_hs256 "$HUB_JWT_SECRET" "{\"alg\":\"HS256\",\"typ\":\"${HUB_JWT_TYP:-at+jwt}\"}" \
    "{\"iss\":\"${HUB_JWT_ISS:-herald-bench}\",\"aud\":\"${HUB_JWT_AUD:-$HUB_URL}\",\"sub\":\"herald-bench\",\"client_id\":\"herald-bench\",\"iat\":$now,\"exp\":$((now + 86400)),\"jti\":\"bench-$now\",\"mercure\":{\"publish\":[\"*\"],\"subscribe\":[\"*\"]},\"authorization_details\":[{\"type\":\"https://mercure.rocks/authorization-detail\",\"actions\":[\"publish\",\"subscribe\"],\"topics\":[{\"match\":\"*\"}]}]}")
# herald's --help, read whole: `herald --help | grep -q` fails now and then
# under pipefail (grep exits at the first match, herald gets SIGPIPE).
herald_help() { "$HERALD" --help 2>&1 || true; }
herald_has_hub() { [[ $(herald_help) == *--publisher-jwt-key* ]]; }

# --- process management ---------------------------------------------------------
STARTED=()
cleanup() {
    [ -s "$NCHAN_RUN/nginx.pid" ] && "$NCHAN_PEER" stop "$NCHAN_RUN" 2>/dev/null
    for run in "${C1_NCHAN_RUNS[@]}"; do "$NCHAN_PEER" stop "$run" 2>/dev/null || true; done
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
    herald-hub)
        # The hub, with history enough for the replay scenario when the
        # build has the flag.
        local history=()
        [[ $(herald_help) == *--history-size* ]] && history=(--history-size 100000)
        # shellcheck disable=SC2086
        "$HERALD" --host 127.0.0.1 --port $PORT --threads $HUB_WORKERS --log-level warn \
            --publisher-jwt-key "$HUB_JWT_SECRET" --subscriber-jwt-key "$HUB_JWT_SECRET" \
            --anonymous "${history[@]}" ${HERALD_HUB_FLAGS:-} "$@" 2>>"$OUT/server-$name.log" &
        SERVER_PIDS=($!) ;;
    nchan)
        # Master and workers: the workers do the work, /proc is read for all.
        "$NCHAN_PEER" start "$NCHAN_RUN" $PORT --workers $HUB_WORKERS --buffer 1000 --max-seconds 7200 \
            >/dev/null 2>>"$OUT/server-$name.log" || return 1
        mapfile -t SERVER_PIDS < <("$NCHAN_PEER" pids "$NCHAN_RUN")
        return 0 ;;
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
    if [ -s "$NCHAN_RUN/nginx.pid" ]; then
        "$NCHAN_PEER" stop "$NCHAN_RUN"
        SERVER_PIDS=()
        sleep 2
        return
    fi
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


# --- the hub scenarios ----------------------------------------------------------
hub_peers() { for p in herald nchan; do want_peer $p && echo $p; done; }
SKIPPED=()
# start_hub PEER: starts the peer's hub, or says why it cannot.
start_hub() {
    case $1 in
    herald)
        if ! herald_has_hub; then
            log "herald has no hub in this build (no --publisher-jwt-key): skipped"
            [ ${#SKIPPED[@]} -gt 0 ] ||
                SKIPPED+=("herald in h1–h5: this build has no hub (\`herald --help\` has no --publisher-jwt-key)")
            return 1
        fi
        start_server herald-hub - ;;
    nchan) start_server nchan - ;;
    esac
}
# run_hub_bench FILE PEER [bench options...] — publishes and subscribes the
# peer's way: Mercure (form POST + JWT, ?match=) or nchan (/pub?id=, /sub?id=).
run_hub_bench() {
    local file=$1 peer=$2
    shift 2
    local sub pub fmt=()
    case $peer in
    herald)
        sub="$HUB_URL?${HERALD_SUB_PARAM:-match}={topic}"
        pub=$HUB_URL
        fmt=(--publish-format mercure --publish-token "$HUB_TOKEN") ;;
    nchan)
        sub="http://127.0.0.1:$PORT/sub?id={topic}"
        pub="http://127.0.0.1:$PORT/pub?id={topic}"
        fmt=(--publish-format nchan) ;;
    esac
    log "  herald-bench ($peer) $*"
    # shellcheck disable=SC2046
    "$BENCH" "$sub" --publish-url "$pub" "${fmt[@]}" --json --no-progress --source-addrs $SOURCES \
        $(server_pid_args) "$@" >"$OUT/$file.json" 2>"$OUT/$file.err" || true
}

if want_scenario h1; then
    log "scenario h1: broadcast, $H1_STREAMS subscribers on one topic, 10 publishes/s over $H1_PUBLISHERS connections"
    for p in $(hub_peers); do
        start_hub $p || continue
        # Several publisher connections: over one, a publish answered late
        # (the machine busy with the fan-out) delays the next, and the
        # schedule is not kept.
        run_hub_bench h1-$p $p --streams $H1_STREAMS --ramp 5000 --warmup $WARMUP \
            --duration ${H1_WINDOW}s --topics 1 --subscribe-spread all --publish-rate 10 \
            --publishers $H1_PUBLISHERS --timeout 20s
        stop_server
    done
fi

if want_scenario h2; then
    log "scenario h2: $H2_STREAMS subscribers over $H2_TOPICS topics, $H2_RATE publishes/s"
    for p in $(hub_peers); do
        start_hub $p || continue
        run_hub_bench h2-$p $p --streams $H2_STREAMS --ramp 5000 --warmup $WARMUP \
            --duration ${H2_WINDOW}s --topics $H2_TOPICS --subscribe-spread one \
            --publish-rate $H2_RATE --publishers 4 --timeout 20s
        stop_server
    done
fi

if want_scenario h3; then
    log "scenario h3: publish throughput, $H3_PUBLISHERS publisher connections, $H3_STREAMS subscribers, $H3_RATE publishes/s offered"
    # The offered rate is far above what either hub absorbs: each connection
    # publishes as fast as it is answered, and "never sent" counts the rest.
    # Twice per hub: one request at a time per connection (what PHP, Go and
    # browser clients do), then pipelined (up to $H3_PIPELINE requests per
    # write, as a batching publisher could).
    for p in $(hub_peers); do
        start_hub $p || continue
        run_hub_bench h3-$p $p --streams $H3_STREAMS --ramp 0 --warmup 1s --duration ${H3_WINDOW}s \
            --topics $H3_STREAMS --subscribe-spread one --publishers $H3_PUBLISHERS \
            --publish-rate $H3_RATE --timeout 20s
        stop_server
        start_hub $p || continue
        run_hub_bench h3p-$p $p --streams $H3_STREAMS --ramp 0 --warmup 1s --duration ${H3_WINDOW}s \
            --topics $H3_STREAMS --subscribe-spread one --publishers $H3_PUBLISHERS \
            --publish-pipeline $H3_PIPELINE --publish-rate $H3_RATE --timeout 20s
        stop_server
    done
fi

if want_scenario h4; then
    log "scenario h4: replay storm, $H4_STREAMS subscribers at once resume $H4_REPLAY updates back"
    for p in $(hub_peers); do
        start_hub $p || continue
        run_hub_bench h4-$p $p --streams $H4_STREAMS --ramp 0 --replay $H4_REPLAY --topics 1 \
            --subscribe-spread all --publish-rate 1 --warmup 0 --duration 5s --timeout 30s
        stop_server
    done
fi

declare -A H5_RUN=()
if want_scenario h5; then
    log "scenario h5: saturation, $H5_STREAMS subscribers on one topic, publish rate raised until deliveries/s stop growing"
    for p in $(hub_peers); do
        best=0
        for rate in $H5_RATES; do
            # A fresh server per rate: nothing left over from the last one.
            start_hub $p || break
            run_hub_bench h5-$p-$rate $p --streams $H5_STREAMS --ramp 5000 --warmup 1s \
                --duration ${H5_WINDOW}s --topics 1 --subscribe-spread all --publish-rate $rate \
                --publishers 8 --timeout 20s
            H5_RUN[$p]="${H5_RUN[$p]:-} $rate"
            got=$(jq -r '.delivery.deliveries_per_s // 0' "$OUT/h5-$p-$rate.json" 2>/dev/null || echo 0)
            # Stop once a higher rate no longer buys 5 % more deliveries.
            stop_server
            if awk -v g="$got" -v b="$best" 'BEGIN { exit !(g < b * 1.05) }'; then
                log "  $p: $got deliveries/s at $rate/s, no more than the best $best: saturated"
                break
            fi
            awk -v g="$got" -v b="$best" 'BEGIN { exit !(g > b) }' && best=$got
        done
    done
fi

# --- the cluster scenario (bench/cluster/c1.sh) ----------------------------------
C1_NCHAN_RUNS=()
# shellcheck source=cluster/c1.sh
. "$ROOT/bench/cluster/c1.sh"
if want_scenario c1; then c1_run; fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table -----------------------------------------------------------------
# j FILE FILTER: a number from a run's JSON; "" if the run is missing, "null"
# if the bench could not measure it.
j() {
    [ -s "$OUT/$1.json" ] || { echo ""; return; }
    # div(a; b): null when either side could not be measured.
    jq -r "def div(a; b): if a == null or b == null or b == 0 then null else a / b end; $2" \
        "$OUT/$1.json" 2>/dev/null || echo ""
}
# ratio PEER HERALD: peer / herald, 2 decimals.
ratio() {
    if [ -z "$1" ] || [ -z "$2" ] || [ "$1" = null ] || [ "$2" = null ]; then echo "–"; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "–"; else printf "%.2f×\n", a / b }'
}
# fmt VALUE DECIMALS: "–" when not run, "n/a" when not measurable.
fmt() {
    [ -n "$1" ] || { echo "–"; return; }
    [ "$1" != null ] || { echo "n/a"; return; }
    [ "$1" != "null / null / null" ] || { echo "n/a"; return; }
    # Not a number (e.g. "0 / 1 / 0"): as it is.
    [[ "$1" =~ ^-?[0-9.eE+-]+$ ]] || { echo "$1"; return; }
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

# hub_row LABEL FILE-PREFIX FILTER DECIMALS [noratio]: herald | nchan | ratio
hub_row() {
    local label=$1 prefix=$2 filter=$3 dec=${4:-1} noratio=${5:-}
    local h n
    h=$(j $prefix-herald "$filter")
    n=$(j $prefix-nchan "$filter")
    if [ -n "$noratio" ]; then
        echo "| $label | $(fmt "$h" $dec) | $(fmt "$n" $dec) | |"
    else
        echo "| $label | $(fmt "$h" $dec) | $(fmt "$n" $dec) | $(ratio "$n" "$h") |"
    fi
}
hub_header() {
    echo
    echo "**$1**"
    echo
    echo "| | herald | nginx + nchan | nchan / herald |"
    echo "|---|---:|---:|---:|"
}
# The rows every delivery scenario shares.
delivery_rows() {
    hub_row "deliveries/s" $1 .delivery.deliveries_per_s 0
    hub_row "e2e latency p50 (µs)" $1 .delivery.e2e_us.p50 0
    hub_row "e2e latency p99 (µs)" $1 .delivery.e2e_us.p99 0
    hub_row "e2e latency p99.9 (µs)" $1 .delivery.e2e_us.p999 0
    hub_row "e2e latency max (µs)" $1 .delivery.e2e_us.max 0
    hub_row "lost / duplicated / out of order" $1 '"\(.delivery.lost) / \(.delivery.duplicates) / \(.delivery.out_of_order)"' 0 noratio
    hub_row "worst subscriber lost" $1 .delivery.worst_stream.lost 0 noratio
    hub_row "publish latency p99 (µs)" $1 .publish.latency_us.p99 0
    hub_row "publish errors" $1 .publish.errors.total 0 noratio
    hub_row "server CPU per delivery (µs)" $1 .server.cpu_us_per_event 2
    hub_row "server RSS added per subscriber (KiB)" $1 .server.kib_per_stream 2
    hub_row "subscribe errors" $1 .errors.total 0 noratio
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
    last_end_ms) [ -n "$last_us" ] && [ "$last_us" != null ] && awk -v a="$last_us" -v b="$kill_us" 'BEGIN { printf "%.1f\n", (a - b) / 1000 }' ;;
    esac
}

{
    echo "## herald vs its peers — $START_DATE"
    echo
    echo "- command: \`$COMMAND\`"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
    echo "- load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end"
    echo "- herald: \`--threads 2 --log-level warn\` (+ \`--timestamps\` in scenario 1); Go: GOMAXPROCS=$(nproc) (default), \`-quiet\`; Node $(node --version 2>/dev/null || echo "not run"), \`-quiet\`"
    echo "- herald-bench: \`--source-addrs $SOURCES\`, 1 process × 1 thread unless stated; raw JSON in \`$OUT\`"
    if want_scenario 1 || want_scenario 2 || want_scenario 3 || want_scenario 4 || want_scenario 5; then
        want_peer nchan && echo "- nginx + nchan is a hub, not a ticker: scenarios 1–5 do not apply to it."
    fi
    if want_scenario h1 || want_scenario h2 || want_scenario h3 || want_scenario h4 || want_scenario h5; then
        { want_peer go || want_peer node; } && echo "- the Go seed and the Node server are tickers, not hubs: scenarios h1–h5 do not apply to them."
        echo "- hubs: herald \`--threads $HUB_WORKERS --anonymous\` + HS256 JWT keys; nginx + nchan: $HUB_WORKERS workers, \`nchan_message_buffer_length 1000\` (bench/peers/nchan); herald-bench publishes in its controller process"
        for note in "${SKIPPED[@]}"; do echo "- skipped: $note"; done
    fi
    if want_scenario 1; then
        header "1. $S1_STREAMS streams × 1 s interval, ${S1_WINDOW} s steady window"
        row "server RSS added per stream (KiB)" s1 .server.kib_per_stream 2
        row "server RSS total / streams (KiB)" s1 .server.total_kib_per_stream 2
        row "server CPU per event (µs)" s1 .server.cpu_us_per_event 2
        row "events/s" s1 .window.events_per_s 0
        row "p99 lateness vs scheduled time (µs)" s1 .latency_us.p99 0
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
        row "bench cores used" s2 'div(.bench.window_cpu_s; .window.seconds)' 2
    fi
    if want_scenario 3; then
        header "3. $S3_STREAMS streams on one server process × 10 s interval (bench: 2 processes), ${S3_WINDOW} s window"
        row "streams opened" s3 .streams_opened 0 noratio
        row "streams open at the end" s3 .streams_open_at_end 0 noratio
        row "errors" s3 .errors.total 0 noratio
        row "server RSS (MiB)" s3 'div(.server.rss_end_kib; 1024)' 1
        row "server RSS added per stream (KiB)" s3 .server.kib_per_stream 2
        row "time to open all (s)" s3 'div(.all_opened_ms; 1000)' 2
        if want_peer herald; then
            echo
            echo "herald, $S3_HERALD_STREAMS streams on $S3_HERALD_PROCS processes sharing the port (\`--reuse-port --threads 1\`; bench: $S3_HERALD_PROCS processes, ramp 10000/s), ${S3_HERALD_WINDOW} s window:"
            echo "opened $(j s3b-herald .streams_opened), open at the end $(j s3b-herald .streams_open_at_end), errors $(j s3b-herald .errors.total) ($(j s3b-herald .first_error)), server RSS $(fmt "$(j s3b-herald 'div(.server.rss_end_kib; 1024)')" 1) MiB in all = $(fmt "$(j s3b-herald .server.kib_per_stream)" 2) KiB added per stream, $(fmt "$(j s3b-herald .window.events_per_s)" 0) events/s, p99 jitter $(fmt "$(j s3b-herald .jitter_us.p99)" 0) µs, bench RSS $(fmt "$(j s3b-herald 'div(.bench.rss_kib; 1024)')" 1) MiB over $S3_HERALD_PROCS processes."
        fi
    fi
    if want_scenario 4; then
        header "4. connection storm: $S4_STREAMS streams at once (\`--ramp 0\`)"
        row "time until all TCP-connected (ms)" s4 'div(.connect_us.max; 1000)' 0
        row "time until all response heads (ms)" s4 .all_opened_ms 0
        row "p99 connect (ms)" s4 'div(.connect_us.p99; 1000)' 1
        row "p99 head (ms)" s4 'div(.head_us.p99; 1000)' 1
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
    if want_scenario h1; then
        hub_header "h1. broadcast: $H1_STREAMS subscribers on one topic, 10 publishes/s over $H1_PUBLISHERS publisher connections, ${H1_WINDOW} s window"
        delivery_rows h1
    fi
    if want_scenario h2; then
        hub_header "h2. $H2_STREAMS subscribers over $H2_TOPICS topics, $H2_RATE publishes/s (4 publisher connections), ${H2_WINDOW} s window"
        delivery_rows h2
    fi
    if want_scenario h3; then
        h3_rows() {
            hub_row "publishes accepted/s (window)" $1 'div(.publish.accepted; .window.seconds)' 0
            hub_row "publishes accepted/s (until the last answer)" $1 .publish.accepted_per_s 0
            hub_row "publishes never sent (all connections busy)" $1 .publish.not_sent 0 noratio
            hub_row "publish service time p50 (µs)" $1 .publish.service_us.p50 0
            hub_row "publish service time p99 (µs)" $1 .publish.service_us.p99 0
            hub_row "publish errors" $1 'if .publish.errors.total == 0 then "0" else "\(.publish.errors.total) (\(.publish.first_error))" end' 0 noratio
            hub_row "deliveries/s" $1 .delivery.deliveries_per_s 0
            hub_row "lost / duplicated" $1 '"\(.delivery.lost) / \(.delivery.duplicates)"' 0 noratio
            hub_row "server cores used" $1 .server.cores 2
            hub_row "server CPU per accepted publish (µs)" $1 'div(.server.cpu_s * 1000000; .publish.accepted)' 1
            hub_row "herald-bench CPU per accepted publish (µs)" $1 'div(.bench.cpu_s * 1000000; .publish.accepted)' 1
        }
        hub_header "h3. publish throughput: $H3_PUBLISHERS publisher connections, one request at a time each, $H3_RATE publishes/s offered, $H3_STREAMS subscribers on their own topics, ${H3_WINDOW} s window"
        h3_rows h3
        hub_header "h3p. the same, pipelined: up to $H3_PIPELINE requests per write (--publish-pipeline $H3_PIPELINE)"
        h3_rows h3p
    fi
    if want_scenario h4; then
        hub_header "h4. replay storm: $H4_STREAMS subscribers at once, each resuming $H4_REPLAY updates back (Last-Event-ID)"
        hub_row "updates replayed (of $((H4_STREAMS * H4_REPLAY)))" h4 .delivery.replayed 0 noratio
        hub_row "time until every subscriber had its history (ms)" h4 'div(.delivery.replay_us.max; 1000)' 0
        hub_row "p50 time to a subscriber's whole history (ms)" h4 'div(.delivery.replay_us.p50; 1000)' 1
        hub_row "p99 time to a subscriber's whole history (ms)" h4 'div(.delivery.replay_us.p99; 1000)' 1
        hub_row "lost / duplicated / out of order" h4 '"\(.delivery.lost) / \(.delivery.duplicates) / \(.delivery.out_of_order)"' 0 noratio
        hub_row "subscribers opened" h4 .streams_opened 0 noratio
        hub_row "subscribe errors" h4 .errors.total 0 noratio
    fi
    if want_scenario h5; then
        echo
        echo "**h5. saturation: $H5_STREAMS subscribers on one topic, publish rate raised until deliveries/s stop growing (${H5_WINDOW} s windows)**"
        echo
        echo "| publishes/s | herald deliveries/s | herald e2e p99 (µs) | herald lost | nchan deliveries/s | nchan e2e p99 (µs) | nchan lost |"
        echo "|---:|---:|---:|---:|---:|---:|---:|"
        for rate in $H5_RATES; do
            [[ " ${H5_RUN[herald]:-} ${H5_RUN[nchan]:-} " == *" $rate "* ]] || continue
            line="| $rate"
            for p in herald nchan; do
                line="$line | $(fmt "$(j h5-$p-$rate .delivery.deliveries_per_s)" 0) | $(fmt "$(j h5-$p-$rate .delivery.e2e_us.p99)" 0) | $(fmt "$(j h5-$p-$rate .delivery.lost)" 0)"
            done
            echo "$line |"
        done
    fi
    if want_scenario c1; then c1_table; fi
} | tee "$OUT/table.md"
