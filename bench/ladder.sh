#!/bin/bash
# Measures each rung of the ladder (examples/0*.cpp) and herald itself with
# herald-bench under the same settings, and prints the walkthrough's
# Progression table (markdown) on stdout.
#
#   bench/ladder.sh BUILD_DIR [--streams 2000] [--interval 100ms] [--warmup 3s] [--duration 10s]
#
# BUILD_DIR must hold examples/0{1,2,3}_*, app/herald and bench/herald-bench
# (a release tree for figures worth quoting). Loopback only; every server it
# starts is stopped (by pid) before the next one runs. The rungs are
# single-threaded, so herald runs with --threads 1.
set -euo pipefail
build=${1:?usage: bench/ladder.sh BUILD_DIR [--streams N] [--interval D] [--warmup D] [--duration D]}
shift
streams=2000 interval=100ms warmup=3s duration=10s
while [ $# -gt 1 ]; do
    case $1 in
    --streams) streams=$2 ;;
    --interval) interval=$2 ;;
    --warmup) warmup=$2 ;;
    --duration) duration=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
out=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$out"' EXIT

# run NAME COMMAND...: starts the server on a free port, benches it, stops it.
run() {
    local name=$1
    shift
    "$@" >"$out/$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -qs 'listening on' "$out/$name.log" && break; sleep 0.05; done
    local port
    port=$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' "$out/$name.log" | head -1)
    [ -n "$port" ] || { echo "$name did not start" >&2; cat "$out/$name.log" >&2; exit 1; }
    "$build/bench/herald-bench" "http://127.0.0.1:$port/sse" --streams "$streams" \
        --ramp "$streams" --warmup "$warmup" --duration "$duration" --expect-interval "$interval" \
        --server-pid $pid --json --no-progress >"$out/$name.json" 2>"$out/$name.bench.err" || true
    kill -TERM $pid
    wait $pid || true
    pid=
    if [ ! -s "$out/$name.json" ]; then
        echo "herald-bench reported nothing for $name:" >&2
        cat "$out/$name.bench.err" >&2
        exit 1
    fi
}

run 01_seed "$build/examples/01_seed" --port 0 --interval "$interval"
run 02_race_once "$build/examples/02_race_once" --port 0 --interval "$interval"
run 03_broadcast "$build/examples/03_broadcast" --port 0 --interval "$interval"
run herald "$build/app/herald" --port 0 --interval "$interval" --threads 1

names=(01_seed 02_race_once 03_broadcast herald)
field() { jq -r "$2 // \"–\"" "$out/$1.json" 2>/dev/null || echo "–"; }
row() {
    local label=$1 expr=$2
    local line="| $label |"
    for n in "${names[@]}"; do line+=" $(field "$n" "$expr") |"; done
    echo "$line"
}
echo "**$streams streams × $interval, ${duration} window after ${warmup} warm-up**"
echo
echo "| | 01_seed | 02_race_once | 03_broadcast | herald --threads 1 |"
echo "|---|---:|---:|---:|---:|"
row "server CPU per event (µs)" '.server.cpu_us_per_event * 100 | round / 100'
row "server RSS added per stream (KiB)" '.server.kib_per_stream * 100 | round / 100'
row "events/s" '.window.events_per_s | round'
row "p99 gap jitter (µs)" '.jitter_us.p99'
row "errors" '.errors.total'
row "bench CPU per event (µs)" '.bench.cpu_us_per_event * 100 | round / 100'
