#!/bin/sh
# What clustering adds to one update's path: one node, then two nodes sharing
# a redis-server (publish and subscribe on the same node, then on different
# nodes). Loopback, no load, one update at a time; see latency.py.
#
# bench/cluster/latency.sh [path/to/herald]   (default build/release/app/herald)
# Uses ports 6398 (Redis) and 4011-4013 (herald); REDIS_PORT and BASE_PORT
# (herald on BASE_PORT+1..+3) move them.
set -eu
rp=${REDIS_PORT:-6398}
bp=${BASE_PORT:-4010}
herald=$(realpath "${1:-build/release/app/herald}")
here=$(dirname "$(realpath "$0")")
dir=$(mktemp -d)
key='bench-secret-of-at-least-32-bytes-long'
token=$("$herald" token --key "$key" --publish '*')
pids=""
cleanup() { kill $pids 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
redis-server --port $rp --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null &
pids="$pids $!"
sleep 0.5
common="--host 127.0.0.1 --threads 1 --log-level warn --publisher-jwt-key $key"
"$herald" $common --port $((bp + 1)) --redis redis://127.0.0.1:$rp & pids="$pids $!"
"$herald" $common --port $((bp + 2)) --redis redis://127.0.0.1:$rp & pids="$pids $!"
"$herald" $common --port $((bp + 3)) & pids="$pids $!"
sleep 1
printf 'one node            '; python3 "$here/latency.py" $((bp + 3)) $((bp + 3)) "$token"
printf 'cluster, same node  '; python3 "$here/latency.py" $((bp + 1)) $((bp + 1)) "$token"
printf 'cluster, A to B     '; python3 "$here/latency.py" $((bp + 1)) $((bp + 2)) "$token"
