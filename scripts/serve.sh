#!/usr/bin/env bash
# Serves the whole system: the web/API app server and the background workers (the task worker
# and the booking events worker). SQLite by default; set DATABASE_URL (and REDIS_URL) for
# PostgreSQL (and Redis). Ctrl-C, or SIGTERM to this script, stops them all within seconds (the
# task worker gives running tasks LOKET_WORKER_STOP_GRACE_SECONDS, see
# loket/core/management/commands/worker.py); if one dies, the others are stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export BIND="${BIND:-127.0.0.1:8000}"

echo "Loket: http://$BIND  (API docs: http://$BIND/api/v1/docs, admin: http://$BIND/admin/)"
# Background work runs at a lower priority: on one machine it yields the CPU to requests.
nice -n 10 $PY manage.py worker &
worker=$!
# Reacts to booking events (the application, the bill, the messages) within a fraction of a second.
# Nice 5, not 10: in a release-day rush the bills then follow their bookings within 2 s instead
# of 3 s, at no measured cost to the bookings (docs/benchmarks.md, "The events worker's priority").
nice -n 5 $PY manage.py booking_events &
events=$!
# Runs the waiting rooms of releases: opens them, draws the order at the release instant, admits.
nice -n 10 $PY manage.py release_rooms &
rooms=$!
# One worker process with threads on SQLite keeps the local-memory cache (rate limits) shared;
# production runs several workers with REDIS_URL set (see README and deploy/).
# The app server is granian (chosen by measurement); config/web.py reads BIND, WEB_WORKERS
# (1 here), WEB_THREADS (8) and the rest. It runs in a process group of its own (set -m), so
# Ctrl-C in the terminal reaches only its main process, through stop() below, which then stops
# its worker: a worker that got the SIGINT too exited before the main process expected it, and
# the main process then hung now and then (seen in CI: "Unexpected exit from worker-1").
set -m
$PY -m config.web &
web=$!
set +m

# A process and everything below it, killed outright (Linux /proc; elsewhere the process alone).
kill_tree() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill -KILL "$1" 2>/dev/null || true
}

# Alive and not a zombie waiting to be reaped.
running() {
  local stat
  [ -d /proc/self ] || { kill -0 "$1" 2>/dev/null; return; }
  stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Each stops within seconds of TERM (the task worker after LOKET_WORKER_STOP_GRACE_SECONDS);
# whichever is still there SERVE_STOP_DEADLINE_SECONDS later (default: that grace + 5) is
# named and killed, so a stop never hangs on one stuck process (systemd's TimeoutStopSec).
grace=${LOKET_WORKER_STOP_GRACE_SECONDS:-5}
deadline=${SERVE_STOP_DEADLINE_SECONDS:-$(( ${grace%.*} + 5 ))}
watchdog() {
  sleep "$deadline"
  local name pid
  for name in web worker events rooms; do
    pid=${!name}
    if running "$pid"; then
      echo "serve: $name (pid $pid) had not stopped $deadline s after the signal; killed" >&2
      kill_tree "$pid"
    fi
  done
}

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web" "$worker" "$events" "$rooms" 2>/dev/null || true
  watchdog &
  local guard=$!
  wait "$web" "$worker" "$events" "$rooms" 2>/dev/null || true
  kill_tree "$guard"
}
# All run in the background (so a signal reaches this script at once, not after a
# foreground child ends); the script forwards it to them and waits.
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT
wait -n "$web" "$worker" "$events" "$rooms"
