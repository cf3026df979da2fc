#!/usr/bin/env bash
# Serves the whole system: the web/API app server and the background worker.
# SQLite by default; set DATABASE_URL (and REDIS_URL) for PostgreSQL (and Redis).
# Ctrl-C, or SIGTERM to this script, stops both within seconds (the worker gives running
# tasks LOKET_WORKER_STOP_GRACE_SECONDS, see loket/core/management/commands/worker.py);
# if either one dies, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIND="${BIND:-127.0.0.1:8000}"

echo "Loket: http://$BIND  (API docs: http://$BIND/api/v1/docs, admin: http://$BIND/admin/)"
$PY manage.py worker &
worker=$!
# One process with threads on SQLite keeps the local-memory cache (rate limits) shared;
# production runs several workers with REDIS_URL set (see README).
.venv/bin/gunicorn config.wsgi:application \
  --bind "$BIND" \
  --workers "${WEB_WORKERS:-1}" --threads "${WEB_THREADS:-8}" \
  --access-logfile - --graceful-timeout 5 &
web=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
# Both run in the background (so a signal reaches this script at once, not after a
# foreground child ends); the script forwards it to both and waits for them.
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT
wait -n "$web" "$worker"
