# shellcheck shell=bash
# bench/cluster/c1.sh — scenario c1 of bench/compare.sh (sourced, not run):
# the cost of a cluster. A redis-server, three hub nodes sharing it, the
# subscribers spread evenly over the three nodes (herald-bench --processes 3
# --process-url, one worker process a node) and every publish sent to node A;
# against one node alone with the same subscribers, rate and three bench
# processes, in the same run.
# The peer is nginx + nchan in its Redis mode: three nginx (one worker each)
# sharing the same redis-server, and one nginx alone.
#
# Every node runs one thread: the box has 2 cores for 3 nodes + Redis + the
# bench, so more threads would only add contention; the single node runs one
# thread too, so the two sides differ only by the cluster.
#
# CPU per delivery sums every server process of the run: the nodes (nginx
# masters and workers) and redis-server. RSS is their sum at the window's end.
#
# Uses compare.sh's globals: PORT, OUT, BENCH, HERALD, HUB_*, SOURCES, QUICK,
# want_peer, log, j, fmt, ratio, herald_help, NCHAN_PEER, STARTED.

C1_NODES=3
if [ "${QUICK:-0}" = 1 ]; then
    C1_STREAMS=${C1_STREAMS:-600} C1_WINDOW=${C1_WINDOW:-5} C1_RATES=${C1_RATES:-"1 10 100:100"}
else
    C1_STREAMS=${C1_STREAMS:-10000} C1_WINDOW=${C1_WINDOW:-30} C1_RATES=${C1_RATES:-"1 10 100:100"}
fi
# C1_RATES: publishes/s[:topics] per row. One topic: every publish fans out to
# every subscriber (10k deliveries per publish, the fan-out dominates the
# latency); 100:100 spreads the subscribers over 100 topics and publishes 100/s
# round-robin, 10k deliveries/s from small fan-outs, where the cluster's hop
# shows. nchan runs one-topic rows only (see the `c1` channel below).
C1_WARMUP=${C1_WARMUP:-3s}
C1_REDIS_PORT=${C1_REDIS_PORT:-$((PORT + 90))}
C1_REDIS_URL=redis://127.0.0.1:$C1_REDIS_PORT
C1_PIDS=()
C1_NCHAN_RUNS=()
C1_SKIPPED=()

c1_wait_port() {
    local deadline=$((SECONDS + 15))
    until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { log "nothing listens on $1"; return 1; }
        sleep 0.1
    done
}

# c1_start_redis: a fresh redis-server (no persistence, temporary dir).
c1_start_redis() {
    mkdir -p "$OUT/c1-redis"
    redis-server --port "$C1_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$OUT/c1-redis" --logfile "$OUT/c1-redis/redis.log" >/dev/null 2>&1 &
    C1_PIDS+=($!)
    STARTED+=($!)
    c1_wait_port "$C1_REDIS_PORT"
}

# c1_start PEER NODES [redis]: NODES hubs on PORT, PORT+1, ...; with `redis`,
# a redis-server first and every node in cluster mode on it.
c1_start() {
    local peer=$1 nodes=$2 cluster=${3:-} i redis=()
    C1_PIDS=()
    C1_NCHAN_RUNS=()
    if [ -n "$cluster" ]; then
        c1_start_redis || return 1
        redis=(--redis "$C1_REDIS_URL" --redis-prefix "c1-$peer-$RANDOM:")
    fi
    for i in $(seq 0 $((nodes - 1))); do
        case $peer in
        herald)
            # shellcheck disable=SC2086
            "$HERALD" --host 127.0.0.1 --port $((PORT + i)) --threads 1 --log-level warn \
                --publisher-jwt-key "$HUB_JWT_SECRET" --subscriber-jwt-key "$HUB_JWT_SECRET" \
                --anonymous "${redis[@]}" ${HERALD_HUB_FLAGS:-} 2>>"$OUT/server-c1-herald.log" &
            C1_PIDS+=($!)
            STARTED+=($!)
            c1_wait_port $((PORT + i)) || return 1 ;;
        nchan)
            local run=$OUT/c1-nchan-$i nr=()
            [ -z "$cluster" ] || nr=(--redis "$C1_REDIS_URL")
            "$NCHAN_PEER" start "$run" $((PORT + i)) --workers 1 --buffer 1000 \
                --max-seconds 3600 "${nr[@]}" >/dev/null 2>>"$OUT/server-c1-nchan.log" || return 1
            C1_NCHAN_RUNS+=("$run")
            mapfile -t -O ${#C1_PIDS[@]} C1_PIDS < <("$NCHAN_PEER" pids "$run") ;;
        esac
    done
    # A cluster node is ready once it reached Redis; give it that moment.
    [ -z "$cluster" ] || sleep 1
}

c1_stop() {
    local run pid
    for run in "${C1_NCHAN_RUNS[@]}"; do "$NCHAN_PEER" stop "$run" 2>/dev/null || true; done
    for pid in "${C1_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${C1_PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    C1_PIDS=()
    C1_NCHAN_RUNS=()
    # Let the loopback settle (TIME_WAIT, freed memory) before the next run.
    sleep "${C1_SETTLE:-2}"
}

# c1_bench FILE PEER NODES RATE TOPICS: subscribers spread over NODES nodes (one
# bench worker process per node), publishes to node A only.
c1_bench() {
    local file=$1 peer=$2 nodes=$3 rate=$4 topics=$5 i n urls=() sub pub fmt=() pids=()
    # Always $C1_NODES bench processes, whatever the node count: the readers'
    # capacity, part of every latency figure, is then the same on both sides.
    for i in $(seq 0 $((C1_NODES - 1))); do
        n=$((PORT + i % nodes))
        case $peer in
        herald) urls+=(--process-url "http://127.0.0.1:$n/.well-known/mercure?match={topic}") ;;
        nchan) urls+=(--process-url "http://127.0.0.1:$n/sub?id=c1") ;;
        esac
    done
    case $peer in
    herald)
        sub="http://127.0.0.1:$PORT/.well-known/mercure?match={topic}"
        pub="http://127.0.0.1:$PORT/.well-known/mercure"
        fmt=(--publish-format mercure --publish-token "$HUB_TOKEN") ;;
    nchan)
        # One channel named `c1`, not the topic: nchan 1.3.6's Redis mode
        # answers 500 to a channel id holding '%' (publish.lua hands the id
        # to string.format), and a percent-encoded topic URL always does.
        sub="http://127.0.0.1:$PORT/sub?id=c1"
        pub="http://127.0.0.1:$PORT/pub?id=c1"
        fmt=(--publish-format nchan) ;;
    esac
    for i in "${C1_PIDS[@]}"; do pids+=(--server-pid "$i"); done
    log "  herald-bench ($file) $C1_STREAMS subscribers over $nodes node(s), $rate publishes/s to node A"
    "$BENCH" "$sub" "${urls[@]}" --processes "$C1_NODES" --publish-url "$pub" "${fmt[@]}" \
        --json --no-progress --source-addrs "$SOURCES" "${pids[@]}" \
        --streams "$C1_STREAMS" --ramp 5000 --warmup "$C1_WARMUP" --duration "${C1_WINDOW}s" \
        --topics "$topics" --subscribe-spread "$([ "$topics" = 1 ] && echo all || echo one)" --publish-rate "$rate" --timeout 20s \
        >"$OUT/$file.json" 2>"$OUT/$file.err" || true
}

c1_run() {
    command -v redis-server >/dev/null || {
        C1_SKIPPED+=("c1: redis-server not found (apt-get install redis-server)")
        log "c1 skipped: no redis-server"
        return 0
    }
    log "scenario c1: cluster cost, $C1_STREAMS subscribers over $C1_NODES nodes, publishes to node A, rates: $C1_RATES/s"
    local peers=() p rate
    if [[ $(herald_help) == *--redis* ]]; then
        want_peer herald && peers+=(herald)
    else
        C1_SKIPPED+=("herald in c1: this build has no --redis")
    fi
    if want_peer nchan; then
        if command -v nginx >/dev/null && [ -f "${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}" ]; then
            peers+=(nchan)
        else
            C1_SKIPPED+=("nchan in c1: nginx or the nchan module is missing")
        fi
    fi
    local row topics
    for row in $C1_RATES; do
        rate=${row%%:*} topics=1
        [[ $row != *:* ]] || topics=${row#*:}
        for p in "${peers[@]}"; do
            [ "$p" = herald ] || [ "$topics" = 1 ] || continue
            if c1_start "$p" 1; then c1_bench "c1-$p-one-$row" "$p" 1 "$rate" "$topics"; fi
            c1_stop
            if c1_start "$p" "$C1_NODES" redis; then c1_bench "c1-$p-cluster-$row" "$p" "$C1_NODES" "$rate" "$topics"; fi
            c1_stop
        done
    done
}

# c1_cell FILE FILTER DECIMALS
c1_cell() { fmt "$(j "$1" "$2")" "$3"; }

c1_table() {
    local rate
    echo
    echo "**c1. cluster cost: $C1_STREAMS subscribers on one topic spread evenly over $C1_NODES nodes sharing one redis-server (each node \`--threads 1\`; nchan: 3 nginx × 1 worker in Redis mode), publishes sent to node A, ${C1_WINDOW} s window; \"one\" = a single node, no Redis, same subscribers and rate**"
    echo
    echo "| publishes/s (:topics) | | herald one | herald cluster | cluster − one | nchan one | nchan cluster | cluster − one |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    for rate in $C1_RATES; do
        c1_line "$rate" "deliveries/s" .delivery.deliveries_per_s 0 ""
        c1_line "$rate" "e2e p50 (µs)" .delivery.e2e_us.p50 0 diff
        c1_line "$rate" "e2e p99 (µs)" .delivery.e2e_us.p99 0 diff
        c1_line "$rate" "e2e p99.9 (µs)" .delivery.e2e_us.p999 0 diff
        c1_line "$rate" "lost / duplicated / out of order" '"\(.delivery.lost) / \(.delivery.duplicates) / \(.delivery.out_of_order)"' 0 ""
        c1_line "$rate" "publish latency p99 (µs)" .publish.latency_us.p99 0 diff
        c1_line "$rate" "CPU per delivery, all servers + Redis (µs)" .server.cpu_us_per_event 2 ratio
        c1_line "$rate" "cores used, all servers + Redis" .server.cores 2 ratio
        c1_line "$rate" "RSS at the end, all servers + Redis (MiB)" 'div(.server.rss_end_kib; 1024)' 1 ratio
        c1_line "$rate" "subscribe / publish errors" '"\(.errors.total) / \(.publish.errors.total)"' 0 ""
    done
    local s
    for s in "${C1_SKIPPED[@]}"; do echo "- skipped: $s"; done
}

# c1_line RATE LABEL FILTER DECIMALS diff|ratio|""
c1_line() {
    local rate=$1 label=$2 filter=$3 dec=$4 how=$5 line p one cl
    line="| $rate | $label"
    for p in herald nchan; do
        one=$(j "c1-$p-one-$rate" "$filter")
        cl=$(j "c1-$p-cluster-$rate" "$filter")
        line="$line | $(fmt "$one" "$dec") | $(fmt "$cl" "$dec")"
        case $how in
        diff)
            if [[ "$one" =~ ^-?[0-9.eE+-]+$ && "$cl" =~ ^-?[0-9.eE+-]+$ ]]; then
                line="$line | $(awk -v a="$cl" -v b="$one" 'BEGIN { printf "%+.0f\n", a - b }')"
            else line="$line | –"; fi ;;
        ratio) line="$line | $(ratio "$cl" "$one")" ;;
        *) line="$line | " ;;
        esac
    done
    echo "$line |"
}
