#!/bin/sh
# Starts the clock example on a free port, reads two events with curl, checks them.
set -eu
out=$(mktemp); "$1" 0 >"$out" & pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
events=$(curl -sN --max-time 2.5 "http://127.0.0.1:$port/clock" || true)
echo "$events"
echo "$events" | grep -q '^event: tick$'
echo "$events" | grep -q '^id: 2$'
echo "$events" | grep -Eq '^data: [0-9]{2}:[0-9]{2}:[0-9]{2}$'
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")
test "$status" = 404
