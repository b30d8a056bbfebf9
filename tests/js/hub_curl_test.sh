#!/bin/sh
# The README's "Hub quick start" runs as written: its sh block is taken from
# README.md itself (so the test follows every edit), run with bash -e, and
# its output checked. Two substitutions only: the README's binary path
# (build/<preset>/app/herald) becomes the herald under test, and its port
# 4321 a free one, so the test never collides with a herald already running.
#
#   sh hub_curl_test.sh <herald binary> <README.md> <work dir>
set -eu

herald=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # the block runs elsewhere
readme=$2
work=$3
rm -rf "$work"
mkdir -p "$work"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The first ```sh block after the heading (the one the docs checker also
# runs, as `<!-- ctest: run -->` marks it; this test checks what it prints).
awk '/^## Hub quick start$/ { found = 1 }
     found && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$readme" >"$work/block.sh"
[ -s "$work/block.sh" ] || fail "no sh block under '## Hub quick start' in $readme"
grep -q 'herald token' "$work/block.sh" || fail "the block does not make a token with herald token"

# A free port: a herald on port 0 says which one it got, and is stopped.
"$herald" --host 127.0.0.1 --port 0 --threads 1 2>"$work/probe.log" &
probe=$!
tries=0
port=""
while [ -z "$port" ] && [ "$tries" -lt 200 ]; do
    sleep 0.05
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/probe.log")
    tries=$((tries + 1))
done
kill "$probe" 2>/dev/null || true
wait "$probe" 2>/dev/null || true
[ -n "$port" ] || fail "could not find a free port"

sed -e "s#build/[A-Za-z0-9_-]*/app/herald#$herald#g" -e "s/4321/$port/g" "$work/block.sh" >"$work/run.sh"
echo "--- running (port $port):"
cat "$work/run.sh"
# The test's own additions: stop whatever the block left running, and give
# the subscriber a moment to print the update before that.
{
    echo "trap 'kill \$(jobs -p) 2>/dev/null || true' EXIT"
    cat "$work/run.sh"
    echo "sleep 1"
} >"$work/wrapped.sh"
status=0
(cd "$work" && timeout 30 bash -e wrapped.sh >out.txt 2>err.txt) || status=$?
echo "--- output:"
cat "$work/out.txt"
[ "$status" -eq 0 ] || { cat "$work/err.txt" >&2; fail "the block exited $status"; }

# The POST answers the id; the subscriber receives the update with that id.
id=$(sed -n 's/^published \(urn:uuid:[0-9a-f-]\{36\}\)$/\1/p' "$work/out.txt" | head -n 1)
[ -n "$id" ] || fail "no id answered to the publish"
echo "ok - the publish answered $id"
grep -qx ':' "$work/out.txt" || fail "the subscriber's opening comment is missing"
grep -qx "id: $id" "$work/out.txt" || fail "the subscriber did not receive id: $id"
grep -qx 'data: Hello, hub' "$work/out.txt" || fail "the subscriber did not receive the data"
echo "ok - the subscriber received the update with that id"
echo "PASS hub curl quick start"
