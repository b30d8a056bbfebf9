#!/bin/bash
# The cost of /metrics' counting on the saturated ticker: compare.sh's
# scenario 2 (10k streams × 100 ms) against herald with --metrics on and off,
# interleaved, and herald-bench's server CPU per event for each run.
#
#   bench/metrics_cost.sh [build dir (build/release)] [runs (3)] [window s (20)]
set -eu
BUILD=${1:-build/release}
RUNS=${2:-3}
WINDOW=${3:-20}
HERALD=$BUILD/app/herald
BENCH=$BUILD/bench/herald-bench
PORT=${PORT:-4391}
OUT=$(mktemp -d /tmp/herald-metrics-cost.XXXXXX)
for run in $(seq "$RUNS"); do
    for metrics in on off; do
        "$HERALD" --host 127.0.0.1 --port $PORT --interval 100ms --threads 2 --log-level warn \
            --metrics $metrics &
        pid=$!
        sleep 0.5
        "$BENCH" "http://127.0.0.1:$PORT/sse" --json --no-progress --source-addrs 127.0.0.2-127.0.0.9 \
            --server-pid $pid --streams 10000 --ramp 5000 --warmup 5s --duration ${WINDOW}s \
            --expect-interval 100ms --timeout 60s >"$OUT/$metrics-$run.json" 2>"$OUT/$metrics-$run.err" || true
        kill -TERM $pid
        wait $pid || true
        echo "run $run metrics=$metrics: $OUT/$metrics-$run.json"
    done
done
