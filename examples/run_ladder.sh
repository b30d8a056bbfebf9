#!/bin/bash
# Smoke test of one rung of the ladder: run_ladder.sh <binary> <01|02|03>.
# Starts it on a free port, reads events with curl, checks the bytes, checks
# the 404, and ends with SIGTERM while a stream is open: the stream must end
# and the process exit 0, promptly. Rung 3 also gets a POST /publish seen by
# two subscribers, and a subscriber that never reads, which must be cut.
set -eu
bin=$1 rung=$2
dir=$(mktemp -d)
"$bin" --port 0 --interval 100ms --queue 4 >"$dir/out" 2>"$dir/log" & pid=$!
trap 'kill $pid 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q listening "$dir/out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/out")
url=http://127.0.0.1:$port

events=$(curl -sN --max-time 1 "$url/sse" || true)
if [ "$rung" = 03 ]; then
    echo "$events" | grep -Eq '^data: tick [0-9]+$'
    echo "$events" | grep -Eq '^id: [0-9]+$'
else
    test "$(echo "$events" | grep -c '^data: Hello World$')" -ge 2
fi
test "$(curl -s -o /dev/null -w '%{http_code}' "$url/nope")" = 404

if [ "$rung" = 03 ]; then
    # Two subscribers see one publish.
    curl -sN --max-time 1.5 "$url/sse" >"$dir/a" & a=$!
    curl -sN --max-time 1.5 "$url/sse" >"$dir/b" & b=$!
    sleep 0.5
    test "$(curl -s -o /dev/null -w '%{http_code}' --data-binary 'hello, all' "$url/publish")" = 204
    wait $a $b || true
    grep -q '^data: hello, all$' "$dir/a"
    grep -q '^data: hello, all$' "$dir/b"
    # A subscriber that never reads: once the socket buffers are full, its
    # queue of 4 fills and the hub cuts it. 512 KiB a publish, up to 64 MiB.
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET /sse HTTP/1.1\r\nHost: x\r\n\r\n' >&3
    head -c 524288 /dev/zero | tr '\0' x >"$dir/big"
    for _ in $(seq 16); do
        curl -s -o /dev/null --data-binary @"$dir/big" "$url/publish" "$url/publish" \
            "$url/publish" "$url/publish" "$url/publish" "$url/publish" "$url/publish" "$url/publish"
        grep -q 'SLOW SUBSCRIBER CUT' "$dir/log" && break
    done
    exec 3>&-
    grep 'SLOW SUBSCRIBER CUT' "$dir/log"
fi

# Shutdown with a stream open: the stream ends, the process exits 0.
curl -sN --max-time 5 "$url/sse" >"$dir/last" & c=$!
sleep 0.3
kill -TERM $pid
status=0
for _ in $(seq 30); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "still running 3 s after SIGTERM"; exit 1; fi
wait $pid || status=$?
test $status = 0
wait $c # curl ended because the server closed, well before its --max-time
grep -q '^data: ' "$dir/last"
cat "$dir/log"
