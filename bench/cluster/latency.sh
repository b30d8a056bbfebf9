#!/bin/sh
# What clustering adds to one update's path: one node, then two nodes sharing
# a redis-server (publish and subscribe on the same node, then on different
# nodes). Loopback, no load, one update at a time; see latency.py.
#
# bench/cluster/latency.sh [path/to/herald]   (default build/release/app/herald)
# Uses ports 6398 (Redis) and 4011-4013 (herald).
set -eu
herald=$(realpath "${1:-build/release/app/herald}")
here=$(dirname "$(realpath "$0")")
dir=$(mktemp -d)
key='bench-secret-of-at-least-32-bytes-long'
token=$("$herald" token --key "$key" --publish '*')
pids=""
cleanup() { kill $pids 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
redis-server --port 6398 --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null &
pids="$pids $!"
sleep 0.5
common="--host 127.0.0.1 --threads 1 --log-level warn --publisher-jwt-key $key"
"$herald" $common --port 4011 --redis redis://127.0.0.1:6398 & pids="$pids $!"
"$herald" $common --port 4012 --redis redis://127.0.0.1:6398 & pids="$pids $!"
"$herald" $common --port 4013 & pids="$pids $!"
sleep 1
printf 'one node            '; python3 "$here/latency.py" 4013 4013 "$token"
printf 'cluster, same node  '; python3 "$here/latency.py" 4011 4011 "$token"
printf 'cluster, A to B     '; python3 "$here/latency.py" 4011 4012 "$token"
