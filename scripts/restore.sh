#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database and checks the app can run on it.
#   DATABASE_URL=postgres://.../loket_restored scripts/restore.sh /backups/loket/loket-....dump [media-....tar.gz]
set -euo pipefail
dump="${1:?usage: scripts/restore.sh DUMP [MEDIA_ARCHIVE]}"
: "${DATABASE_URL:?DATABASE_URL must name the empty PostgreSQL database to restore into}"
cd "$(dirname "$0")/.."
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$dump"
if [ -n "${2:-}" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must be set to restore the documents}"
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$2"
fi
# The app starts on it: settings load, system checks pass, every migration is applied.
.venv/bin/python manage.py check
.venv/bin/python manage.py migrate --check
