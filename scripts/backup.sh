#!/usr/bin/env bash
# A backup of Loket: the PostgreSQL database (pg_dump, custom format) and the uploaded documents.
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/loket/media scripts/backup.sh /backups/loket
# The NIK and the documents are sealed (LOKET_DATA_KEYS): keep the keys apart from the backups.
set -euo pipefail
target="${1:?usage: scripts/backup.sh TARGET_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
mkdir -p "$target"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$target/loket-$stamp.dump"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$target/media-$stamp.tar.gz" .
fi
echo "$target/loket-$stamp.dump"
