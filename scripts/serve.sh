#!/usr/bin/env bash
# Serves the whole system: the web/API app server and the background worker.
# SQLite by default; set DATABASE_URL (and REDIS_URL) for PostgreSQL (and Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIND="${BIND:-127.0.0.1:8000}"

$PY manage.py qcluster &
worker=$!
# Reacts to booking events (the application, the bill, the messages) within a fraction of a second.
$PY manage.py booking_events &
events=$!
# Runs the waiting rooms of releases: opens them, draws the order at the release instant, admits.
$PY manage.py release_rooms &
rooms=$!
trap 'kill $worker $events $rooms 2>/dev/null; wait $worker $events $rooms 2>/dev/null' EXIT INT TERM

echo "Loket: http://$BIND  (API docs: http://$BIND/api/v1/docs, admin: http://$BIND/admin/)"
# One process with threads on SQLite keeps the local-memory cache (rate limits) shared;
# production runs several workers with REDIS_URL set (see README).
.venv/bin/gunicorn config.wsgi:application \
  --bind "$BIND" \
  --workers "${WEB_WORKERS:-1}" --threads "${WEB_THREADS:-8}" \
  --access-logfile - --graceful-timeout 5
