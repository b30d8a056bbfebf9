#!/usr/bin/env bash
# bench/peers/nchan/nchan-peer.sh — nginx + nchan on loopback, for herald-bench.
#
#   nchan-peer.sh start RUN_DIR PORT [--workers N] [--buffer N] [--shm SIZE] [--max-seconds S]
#                                    [--redis redis://HOST:PORT]
#       writes RUN_DIR/nginx.conf, starts nginx (master + N workers, default 2),
#       returns once it listens on 127.0.0.1:PORT and prints the master's pid.
#       nginx stops by itself after --max-seconds (default 3600). --redis: nchan's
#       Redis mode (nchan_redis_url + nchan_use_redis), for several nginx as a cluster.
#   nchan-peer.sh pids RUN_DIR     the master's and the workers' pids, one a line
#   nchan-peer.sh stop RUN_DIR     stops it (SIGTERM, then SIGKILL after 10 s)
#
# Needs nginx and libnginx-mod-nchan (scripts/install-deps --bench).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}

die() { echo "nchan-peer.sh: $*" >&2; exit 2; }

master_pid() { [ -s "$1/nginx.pid" ] && cat "$1/nginx.pid"; }

# stop_nginx MASTER-PID: SIGTERM (nginx's fast shutdown, workers included),
# then SIGKILL for the master and any worker still there after 10 s.
stop_nginx() {
    local pid=$1 workers
    workers=$(pgrep -P "$pid" || true)
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2086
    kill -KILL "$pid" $workers 2>/dev/null || true
}

cmd=${1:-}
[ $# -ge 2 ] || die "usage: nchan-peer.sh start|pids|stop RUN_DIR [PORT options]"
RUN=$(realpath -m "$2")
case $cmd in
start)
    [ $# -ge 3 ] || die "start needs RUN_DIR PORT"
    PORT=$3
    shift 3
    WORKERS=2 BUFFER=1000 SHM=256M MAX=3600 REDIS=""
    while [ $# -gt 0 ]; do
        case $1 in
        --workers) WORKERS=$2; shift ;;
        --buffer) BUFFER=$2; shift ;;
        --shm) SHM=$2; shift ;;
        --max-seconds) MAX=$2; shift ;;
        --redis) REDIS=$2; shift ;;
        *) die "unknown option $1" ;;
        esac
        shift
    done
    command -v nginx >/dev/null || die "nginx not found: run scripts/install-deps --bench"
    [ -f "$MODULE" ] || die "$MODULE not found: install libnginx-mod-nchan"
    mkdir -p "$RUN"/tmp/{body,proxy,fastcgi,uwsgi,scgi}
    # As root, nginx would hand its workers to `nobody`, who cannot write to
    # RUN_DIR; run them as the invoking user instead.
    USER_LINE=""
    REDIS_LINES=""
    [ -z "$REDIS" ] || REDIS_LINES="nchan_redis_url \"$REDIS\"; nchan_use_redis on;"
    [ "$(id -u)" -eq 0 ] && USER_LINE="user root;"
    sed -e "s|@MODULE@|$MODULE|" -e "s|@USER_LINE@|$USER_LINE|" -e "s|@WORKERS@|$WORKERS|" \
        -e "s|@RUN_DIR@|$RUN|g" -e "s|@PORT@|$PORT|" -e "s|@BUFFER@|$BUFFER|" -e "s|@SHM@|$SHM|" \
        -e "s|@REDIS_LINES@|$REDIS_LINES|" \
        "$HERE/nginx.conf.in" >"$RUN/nginx.conf"
    rm -f "$RUN/nginx.pid"
    # -e: the startup log too goes to RUN_DIR, never to /var/log.
    nginx -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" </dev/null >>"$RUN/stdout.log" 2>&1 &
    pid=$!
    # The watchdog: nginx stops by itself after MAX seconds, whatever happens
    # to whoever started it.
    (
        sleep "$MAX" &
        trap 'kill $! 2>/dev/null; exit 0' TERM
        wait $!
        stop_nginx $pid
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$RUN/watchdog.pid"
    deadline=$((SECONDS + 10))
    until (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do
        if ! kill -0 $pid 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            cat "$RUN/error.log" >&2 || true
            die "nginx did not start listening on 127.0.0.1:$PORT"
        fi
        sleep 0.1
    done
    echo $pid
    ;;
pids)
    pid=$(master_pid "$RUN") || die "no nginx.pid in $RUN"
    echo "$pid"
    pgrep -P "$pid" || true
    ;;
stop)
    if pid=$(master_pid "$RUN"); then
        stop_nginx "$pid"
        rm -f "$RUN/nginx.pid"
    fi
    if [ -s "$RUN/watchdog.pid" ]; then
        kill -TERM "$(cat "$RUN/watchdog.pid")" 2>/dev/null || true
        rm -f "$RUN/watchdog.pid"
    fi
    ;;
*) die "usage: nchan-peer.sh start|pids|stop RUN_DIR [PORT options]" ;;
esac
