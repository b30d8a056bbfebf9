#!/bin/sh
# curl -N against the herald binary: the exact bytes a plain HTTP client sees.
#
#   sh curl_test.sh <herald binary> <curl> <work dir>
#
# Every herald this starts is stopped on exit, whatever the outcome.
set -eu

herald=$1
curl=$2
work=$3
mkdir -p "$work"
pid=""

stop_herald() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        pid=""
    fi
}
trap stop_herald EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Starts herald on an ephemeral loopback port; sets $pid and $port.
start_herald() {
    log="$work/herald.log"
    : >"$log"
    "$herald" --host 127.0.0.1 --port 0 --threads 1 "$@" 2>"$log" &
    pid=$!
    port=""
    tries=0
    while [ -z "$port" ]; do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
            cat "$log" >&2
            fail "herald did not start"
        fi
        [ -n "$port" ] || sleep 0.05
    done
}

# Compares a file with the expected bytes (a printf format), showing both on
# a mismatch. expect_prefix compares only as many bytes as are expected.
expect_bytes() {
    file=$1
    what=$2
    # shellcheck disable=SC2059 # the expected bytes are the format, escapes and all
    printf "$3" >"$file.expected"
    if ! cmp -s "$file" "$file.expected"; then
        echo "expected:" >&2
        od -c "$file.expected" >&2
        echo "got:" >&2
        od -c "$file" >&2
        fail "$what"
    fi
    echo "ok - $what"
}

expect_prefix() {
    # shellcheck disable=SC2059
    printf "$3" >"$1.expected"
    head -c "$(wc -c <"$1.expected")" "$1" >"$1.prefix"
    expect_bytes "$1.prefix" "$2" "$3"
}

# 1. A stream that herald ends itself after three events: the whole body,
#    byte for byte, and a clean end (curl exits 0). --compressed makes curl
#    send Accept-Encoding; the stream must not be compressed anyway.
start_herald --interval 100ms --max-events 3 --retry 1500ms
status=0
"$curl" -sN --compressed --max-time 5 -D "$work/head.txt" -o "$work/body.txt" \
    "http://127.0.0.1:$port/sse" || status=$?
[ "$status" -eq 0 ] || fail "curl exited $status; a stream ended by --max-events should end cleanly"
expect_bytes "$work/body.txt" "three events with ids, retry once, then a clean end" \
    ': ok\n\nretry: 1500\n\nid: 1\ndata: Hello World\n\nid: 2\ndata: Hello World\n\nid: 3\ndata: Hello World\n\n'
tr -d '\r' <"$work/head.txt" >"$work/head.lf"
grep -qi '^content-type: text/event-stream$' "$work/head.lf" || fail "no text/event-stream"
grep -qi '^x-accel-buffering: no$' "$work/head.lf" || fail "no X-Accel-Buffering: no"
if grep -qi '^content-encoding:' "$work/head.lf"; then fail "the stream was compressed"; fi
echo "ok - text/event-stream, X-Accel-Buffering: no, no Content-Encoding"
stop_herald

# 2. The brief's invocation, curl -sN --max-time 2, on a stream with
#    heartbeats: herald decides between a heartbeat and an event by their
#    scheduled times, so the order of the bytes is fixed, even though how many
#    arrive in 2 s is not. Heartbeats at 200 ms and 500 ms, events at 300 ms
#    and 600 ms.
start_herald --interval 300ms --heartbeat 200ms
status=0
"$curl" -sN --max-time 2 -o "$work/heartbeat.txt" "http://127.0.0.1:$port/sse" || status=$?
[ "$status" -eq 28 ] || fail "curl exited $status; expected 28 (its --max-time ended the open stream)"
expect_prefix "$work/heartbeat.txt" "heartbeats fill the silences between events" \
    ': ok\n\n: heartbeat\nid: 1\ndata: Hello World\n\n: heartbeat\nid: 2\ndata: Hello World\n\n'
stop_herald

# 3. HEAD: the stream's head and nothing else.
start_herald --interval 100ms
status=0
"$curl" -s -I --max-time 5 -o "$work/head-only.txt" "http://127.0.0.1:$port/sse" || status=$?
[ "$status" -eq 0 ] || fail "curl -I exited $status"
tr -d '\r' <"$work/head-only.txt" | grep -qi '^content-type: text/event-stream$' || fail "HEAD: no text/event-stream"
echo "ok - HEAD /sse answers the head alone"
stop_herald

echo "PASS curl"
