#!/usr/bin/env bash
# Serves the portal: the web server and, beside it, CKAN's background jobs
# worker (`ckan jobs worker`, RQ on the Redis of ckan.redis.url), which builds
# what the portal enqueues (the kept DCAT fragments), and ckanext-harvest's
# gather and fetch consumers (`ckan harvester gather-consumer`,
# `fetch-consumer`), which run harvest jobs. All stop together: when one
# exits, or on Ctrl-C/TERM, the others are stopped too.
#
#   serve.sh dev  INI   `ckan run` (Flask's server, one process, for the demo)
#   serve.sh prod INI   gunicorn with deploy/gunicorn.conf.py (WORKERS processes)
#
# Environment: CKAN_PYTHON (python of the virtualenv with CKAN), HOST and
# PORT (default 127.0.0.1:5000), WORKERS (prod: web worker processes, default 4).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-}
INI=${2:-}
CKAN_PYTHON=${CKAN_PYTHON:-$ROOT/.venv/ckan-2.12.0/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
# The ckan script run by the virtualenv's python, not by its #! line (a
# copied virtualenv's #! names the python it was copied from).
CKAN=("$CKAN_PYTHON" "$(dirname "$CKAN_PYTHON")/ckan")

log() { printf '[serve] %s\n' "$*" >&2; }

case "$MODE" in dev|prod) ;; *) echo "usage: $0 dev|prod INI" >&2; exit 2 ;; esac
[ -f "$INI" ] || { log "ERROR: configuration file not found: $INI"; exit 2; }
INI=$(cd "$(dirname "$INI")" && pwd)/$(basename "$INI")

# Each process runs in its own process group (setsid), so that stopping it
# reaches its children too: gunicorn's workers, the jobs worker's scheduler
# and the work horse running a job, also when the leader itself was killed.
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  # The jobs worker finishes the job it is running (warm shutdown); gunicorn
  # its requests (graceful_timeout).
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
  done
}
trap 'stop_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setsid "${CKAN[@]}" -c "$INI" jobs worker &
pids+=($!)
log "jobs worker: process $! (queue default, Redis of ckan.redis.url)"

# ckanext-harvest's consumers: a job's gather stage, then each harvested
# dataset's fetch and import (queues on the Redis of ckan.redis.url).
setsid "${CKAN[@]}" -c "$INI" harvester gather-consumer &
pids+=($!)
log "harvest gather consumer: process $!"
setsid "${CKAN[@]}" -c "$INI" harvester fetch-consumer &
pids+=($!)
log "harvest fetch consumer: process $!"

if [ "$MODE" = dev ]; then
  setsid "${CKAN[@]}" -c "$INI" run --host "$HOST" --port "$PORT" --disable-reloader --disable-debugger &
else
  CKAN_INI=$INI setsid "$CKAN_PYTHON" -m gunicorn --config "$ROOT/deploy/gunicorn.conf.py" --bind "$HOST:$PORT" &
fi
pids+=($!)
log "web server ($MODE): process $! on http://$HOST:$PORT"

# Whichever ends first ends the portal: a server without its worker or its
# harvest consumers would leave the catalogue's jobs and harvests queued unseen.
status=0
wait -n "${pids[@]}" || status=$?
log "a process of the portal exited (status $status); stopping the others"
exit "$status"
