#!/usr/bin/env bash
# Serves the whole system: the web/API app server and the background worker.
# SQLite by default; set DATABASE_URL (and REDIS_URL) for PostgreSQL (and Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export BIND="${BIND:-127.0.0.1:8000}"

# Background work runs at a lower priority: on one machine it yields the CPU to requests.
nice -n 10 $PY manage.py qcluster &
worker=$!
# Reacts to booking events (the application, the bill, the messages) within a fraction of a second.
nice -n 10 $PY manage.py booking_events &
events=$!
trap 'kill $worker $events 2>/dev/null; wait $worker $events 2>/dev/null' EXIT INT TERM

echo "Loket: http://$BIND  (API docs: http://$BIND/api/v1/docs, admin: http://$BIND/admin/)"
# One process with threads on SQLite keeps the local-memory cache (rate limits) shared;
# production runs several workers with REDIS_URL set (see README and deploy/).
# config/gunicorn_conf.py reads BIND, WEB_WORKERS (1 here), WEB_THREADS (8) and the rest.
.venv/bin/gunicorn -c config/gunicorn_conf.py config.wsgi:application
