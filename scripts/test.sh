#!/usr/bin/env bash
# Lint, type check, migrations check, deploy check, then the test suite on SQLite
# and, when one is reachable, on PostgreSQL. LOKET_REQUIRE_POSTGRES=1 (CI) makes a
# missing PostgreSQL an error instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# Python keeps compiled modules (and pytest its assertion-rewritten test modules) in
# __pycache__: every pytest worker and every server a test starts would otherwise compile the
# whole project again (with PYTHONDONTWRITEBYTECODE set, collection alone took 23 s instead of 9).
unset PYTHONDONTWRITEBYTECODE

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy
echo "== layers (import-linter: an app imports only the layers below it)"
lint-imports --no-cache
echo "== migrations"
python manage.py makemigrations --check --dry-run
echo "== deploy check (production settings)"
DEBUG=off LOKET_DEV=off SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  PAYMENT_WEBHOOK_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
  LOKET_DATA_KEYS="k1:$(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
  LOKET_LOOKUP_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
  ALLOWED_HOSTS=loket.example.id python manage.py check --deploy --fail-level WARNING

# --maxschedchunk: pytest-xdist hands out tests a few at a time, so that when the last ones run,
# no worker still holds a long queue of its own while the other waits (the default chunks left
# one worker busy for up to a minute alone at the end of a run).
run_pytest() {
  set +e
  python -m pytest --maxschedchunk 4 "$@"
  code=$?
  set -e
  # 5 = no tests collected: not a failure of the code under test.
  if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then exit "$code"; fi
}

stage() { echo "== $1 (at ${SECONDS}s)"; }

PG_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/loket}"
pg_reachable() {
  python - "$PG_URL" <<'PY'
import sys, psycopg, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                    password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except Exception as e:
    print(f"PostgreSQL not reachable: {e}", file=sys.stderr); sys.exit(1)
PY
}
PG=0
if pg_reachable; then
  PG=1
elif [ "${LOKET_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required here (LOKET_REQUIRE_POSTGRES=1) but not reachable" >&2
  exit 1
fi

# Every stage in LOKET_TEST_WORKERS processes (pytest-xdist; each its own test database).
WORKERS="${LOKET_TEST_WORKERS:-2}"
stage "pytest on SQLite"
(unset DATABASE_URL; run_pytest -n "$WORKERS" -m "not postgres_only and not browser")
# The browser tests run after the rest (they time pages, so they do not share the machine with
# the rest of the suite), once: on PostgreSQL, the production database, when it answers, else on
# SQLite. They drive pages; what the database does under them is the same code the suite above
# and below covers on both. LOKET_BROWSER_BOTH=1 runs them on both (CI time: each pass ~3 min).
if [ "$PG" = "0" ] || [ "${LOKET_BROWSER_BOTH:-0}" = "1" ]; then
  stage "browser tests on SQLite"
  (unset DATABASE_URL; run_pytest -n "$WORKERS" -m "browser and not postgres_only")
fi

if [ "$PG" = "1" ]; then
  stage "pytest on PostgreSQL ($PG_URL)"
  # Connections are not kept between requests in tests: the live-server threads of the
  # concurrency suite would otherwise hold one each until the end of the run.
  DATABASE_URL="$PG_URL" DB_CONN_MAX_AGE=0 run_pytest -n "$WORKERS" -m "not browser"
  stage "browser tests on PostgreSQL"
  DATABASE_URL="$PG_URL" DB_CONN_MAX_AGE=0 run_pytest -n "$WORKERS" -m browser
else
  echo "== PostgreSQL not reachable: PostgreSQL run skipped (set DATABASE_URL to run it)"
fi
echo "== done in ${SECONDS}s"
