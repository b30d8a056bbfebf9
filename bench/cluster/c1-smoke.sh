#!/usr/bin/env bash
# bench/cluster/c1-smoke.sh BUILD_DIR — scenario c1 of bench/compare.sh in a
# tiny form (30 subscribers, 10 publishes/s, 2 s window), for ctest: the
# cluster delivers every update once, through Redis, on every node. herald
# always runs; nginx + nchan only when installed. Exits 77 (skipped) without
# redis-server or jq. Ports 18740-18742 (nodes) and 18830 (Redis).
set -euo pipefail
BUILD=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v redis-server >/dev/null || { echo "skipped: no redis-server"; exit 77; }
command -v jq >/dev/null || { echo "skipped: no jq"; exit 77; }
PEERS=herald
if command -v nginx >/dev/null && [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
    PEERS=herald,nchan
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
PORT=18740 C1_REDIS_PORT=18830 C1_STREAMS=30 C1_WINDOW=2 C1_WARMUP=1s C1_RATES=10 C1_SETTLE=0 \
    "$ROOT/bench/compare.sh" --no-build --build-dir "$BUILD" --scenarios c1 --peers "$PEERS" \
    --out "$OUT" >"$OUT/stdout.md" 2>"$OUT/stderr.log" || { cat "$OUT/stderr.log"; exit 1; }
fail=0
for p in ${PEERS//,/ }; do
    for kind in one cluster; do
        f=$OUT/c1-$p-$kind-10.json
        # 10 publishes/s × 30 subscribers over a 2 s window: about 600
        # deliveries; none lost or doubled, no error on either side.
        if ! jq -e '.delivery.deliveries_per_s > 200 and .delivery.lost == 0
                and .delivery.duplicates == 0 and .errors.total == 0
                and .publish.errors.total == 0' "$f" >/dev/null 2>&1; then
            echo "c1-$p-$kind: unexpected result"
            cat "$f" 2>/dev/null || cat "$OUT/c1-$p-$kind-10.err" 2>/dev/null || true
            fail=1
        fi
    done
done
grep -q '^\*\*c1\. cluster cost' "$OUT/stdout.md" || { echo "no c1 table"; fail=1; }
cat "$OUT/stdout.md"
exit $fail
